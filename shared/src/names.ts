/**
 * NM1: the one text rule for every name a person gives (display names, group names): NFC,
 * trimmed, 1–max characters (code points), and no control characters — C0/C1 controls, DEL,
 * the line/paragraph separators and the bidirectional embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) that let a name rewrite the text around it ("\u202egnp.exe").
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export type NameCheck = { ok: true; value: string } | { ok: false; message: string };

/** Checks a name; `label` starts each message ("Display name", "The group name"). */
export function checkName(raw: unknown, label: string, maxChars: number): NameCheck {
  if (typeof raw !== 'string') return { ok: false, message: `${label} must be text` };
  const value = raw.normalize('NFC').trim();
  if (value.length === 0) return { ok: false, message: `${label} must not be empty` };
  if ([...value].length > maxChars) {
    return { ok: false, message: `${label} must be at most ${maxChars} characters` };
  }
  if (CONTROL_CHARS.test(value))
    return { ok: false, message: `${label} must not contain control characters` };
  return { ok: true, value };
}

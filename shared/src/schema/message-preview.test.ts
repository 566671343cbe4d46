import { describe, expect, it } from 'vitest';
import { attachmentsLabel, messagePreviewText } from './message-preview.ts';

const photo = { kind: 'image', name: 'IMG_1.jpg' } as const;
const video = { kind: 'video', name: 'clip.mp4' } as const;
const voice = { kind: 'voice', name: 'voice.webm' } as const;
const pdf = { kind: 'file', name: 'report.pdf' } as const;

describe('the one-line preview of a message with files', () => {
  it('a text message is its text', () => {
    expect(messagePreviewText({ text: 'hello' })).toBe('hello');
    expect(messagePreviewText({ text: 'hello', attachments: [] })).toBe('hello');
  });

  it('files only: what was sent, never an empty line', () => {
    expect(messagePreviewText({ text: '', attachments: [photo] })).toBe('Photo');
    expect(messagePreviewText({ text: '  ', attachments: [photo, photo, photo] })).toBe('3 photos');
    expect(messagePreviewText({ text: '', attachments: [video] })).toBe('Video');
    expect(messagePreviewText({ text: '', attachments: [video, video] })).toBe('2 videos');
    expect(messagePreviewText({ text: '', attachments: [voice] })).toBe('Voice message');
    expect(messagePreviewText({ text: '', attachments: [pdf] })).toBe('report.pdf');
    expect(messagePreviewText({ text: '', attachments: [pdf, pdf, pdf] })).toBe('3 files');
  });

  it('mixed kinds count as files; a caption follows the label', () => {
    expect(attachmentsLabel([photo, pdf])).toBe('2 files');
    expect(attachmentsLabel([photo, video, voice])).toBe('3 files');
    expect(messagePreviewText({ text: 'Holiday', attachments: [photo, photo] })).toBe('2 photos: Holiday');
    expect(messagePreviewText({ text: 'the bill', attachments: [pdf] })).toBe('report.pdf: the bill');
  });
});

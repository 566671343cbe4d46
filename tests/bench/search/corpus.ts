/**
 * W10's history: `total` messages over 50 conversations, made from a fixed seed so every run
 * indexes the same text. English-like words follow Zipf's law (the most common word is in most
 * messages, the tail is rare, as in real chat); one message in eight is Japanese and one in
 * sixteen Chinese, written without spaces as people write them. A few words are planted to
 * be the rare ones a person searches for.
 */

export interface CorpusMessage {
  id: string;
  conversationId: string;
  segment: number;
  author: string;
  sentAt: number;
  text: string;
}

/** The queries W10 times, each with how many messages truly contain it. */
export interface CorpusQuery {
  name: string;
  query: string;
  /** Messages containing the query (a word as a whole word; CJK as a substring). */
  expected: number;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON = (
  'the to and you a i it of is that in for we on have be this at are with not so just but was ' +
  'do can what will my me all your if get about be up out there when one like now know see go ' +
  'time ok good think tomorrow meeting thanks yes no maybe later dinner call back home work ' +
  'today tonight week weekend morning photo train coffee idea plan sounds great'
).split(' ');
const SYLLABLES =
  'ka ri to mo na sel van dor pel tis ru bra gen lo qui mar fen zu hol tra pi ne sor lin'.split(' ');
const JAPANESE = [
  '明日東京に行きます',
  '新幹線で大阪まで',
  '今日はとても暑いですね',
  '会議は午後三時からです',
  '東京都の天気はどうですか',
  'ありがとうございます',
  '写真を送りました',
  '駅で待っています',
];
const CHINESE = [
  '我们明天去北京',
  '图书馆几点关门',
  '今天天气很好',
  '晚上一起吃饭吧',
  '北京的冬天很冷',
  '我在图书馆学习',
];
const RARE = 'zanzibar';

export function makeCorpus(total: number, seed = 10): { messages: CorpusMessage[]; queries: CorpusQuery[] } {
  const random = mulberry32(seed);
  const vocabulary = [...COMMON];
  for (let i = 0; vocabulary.length < 8000; i++) {
    const n = 2 + Math.floor(random() * 3);
    let word = '';
    for (let s = 0; s < n; s++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    if (!vocabulary.includes(word)) vocabulary.push(word);
  }
  // Zipf: rank r drawn with weight 1/r, through the cumulative weights.
  const cumulative: number[] = [];
  let sum = 0;
  for (let r = 1; r <= vocabulary.length; r++) cumulative.push((sum += 1 / r));
  const word = (): string => {
    const x = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

  const conversations = 50;
  const perConversation = Math.ceil(total / conversations);
  const start = Date.UTC(2026, 0, 1);
  const messages: CorpusMessage[] = [];
  const rareAt = new Set([0.1, 0.3, 0.5, 0.7, 0.9].map((f) => Math.floor(f * total)));
  // Conversation after conversation (a device reads its documents one at a time), times interleaved.
  for (let c = 0; c < conversations && messages.length < total; c++) {
    for (let i = 0; i < perConversation && messages.length < total; i++) {
      const n = messages.length;
      const roll = random();
      let text: string;
      if (roll < 0.125)
        text = `${pick(JAPANESE)}${random() < 0.5 ? '。' : ''}${random() < 0.3 ? pick(JAPANESE) : ''}`;
      else if (roll < 0.1875) text = `${pick(CHINESE)}${random() < 0.3 ? `，${pick(CHINESE)}` : ''}`;
      else text = Array.from({ length: 4 + Math.floor(random() * 16) }, word).join(' ');
      if (rareAt.has(n)) text = `${text} ${RARE}`;
      messages.push({
        id: `m${String(n).padStart(9, '0')}`,
        conversationId: `c${c}`,
        segment: Math.floor(i / 1000),
        author: `u_${Math.floor(random() * 8)}`,
        sentAt: start + (i * conversations + c) * 60_000,
        text,
      });
    }
  }
  const count = (test: (text: string) => boolean): number => messages.filter((m) => test(m.text)).length;
  const hasWord = (w: string) => (text: string) => text.split(' ').includes(w);
  const queries: CorpusQuery[] = [
    { name: 'common word', query: 'the', expected: count(hasWord('the')) },
    { name: 'rare word', query: RARE, expected: count(hasWord(RARE)) },
    {
      name: 'two words',
      query: 'meeting tomorrow',
      expected: count((t) => hasWord('meeting')(t) && hasWord('tomorrow')(t)),
    },
    { name: 'Japanese 2 chars', query: '東京', expected: count((t) => t.includes('東京')) },
    { name: 'Japanese 3 chars', query: '新幹線', expected: count((t) => t.includes('新幹線')) },
    { name: 'Chinese 2 chars', query: '北京', expected: count((t) => t.includes('北京')) },
    { name: 'Chinese 3 chars', query: '图书馆', expected: count((t) => t.includes('图书馆')) },
  ];
  return { messages, queries };
}

import iconv from 'iconv-lite';

/**
 * Text encodings found in Vietnamese shapefiles and tables of the 1990s–2000s, all turned into
 * NFC UTF-8. TCVN3 (TCVN 5712:1993 "ABC", fonts .VnTime) is one byte per letter; VNI (VNI-Windows
 * fonts) writes a base letter followed by a byte for its marks; Windows-1258 writes base letters
 * and combining tone marks. None of them says which it is, hence detection below.
 */
export type TextEncoding = 'utf-8' | 'tcvn3' | 'vni' | 'windows-1258' | 'latin1';

// TCVN 5712:1993, bytes 0x80–0xFF → Unicode (the VN1 table; VN3 "ABC" uses its lowercase half and
// the 7 capitals Ă Â Ê Ô Ơ Ư Đ at 0xA1–0xA7, and writes toned capitals with the lowercase codes in an
// upper-case font, so those decode to lowercase: the bytes do not say otherwise). Checked against
// glibc iconv's TCVN5712-1. 0xB0–0xB4 are combining marks; NFC folds them into their letter.
const TCVN3_HIGH = [
  0x00c0, 0x1ea2, 0x00c3, 0x00c1, 0x1ea0, 0x1eb6, 0x1eac, 0x00c8, 0x1eba, 0x1ebc, 0x00c9, 0x1eb8, 0x1ec6, 0x00cc, 0x1ec8, 0x0128, 0x00cd,
  0x1eca, 0x00d2, 0x1ece, 0x00d5, 0x00d3, 0x1ecc, 0x1ed8, 0x1edc, 0x1ede, 0x1ee0, 0x1eda, 0x1ee2, 0x00d9, 0x1ee6, 0x0168, 0x00a0, 0x0102,
  0x00c2, 0x00ca, 0x00d4, 0x01a0, 0x01af, 0x0110, 0x0103, 0x00e2, 0x00ea, 0x00f4, 0x01a1, 0x01b0, 0x0111, 0x1eb0, 0x0300, 0x0309, 0x0303,
  0x0301, 0x0323, 0x00e0, 0x1ea3, 0x00e3, 0x00e1, 0x1ea1, 0x1eb2, 0x1eb1, 0x1eb3, 0x1eb5, 0x1eaf, 0x1eb4, 0x1eae, 0x1ea6, 0x1ea8, 0x1eaa,
  0x1ea4, 0x1ec0, 0x1eb7, 0x1ea7, 0x1ea9, 0x1eab, 0x1ea5, 0x1ead, 0x00e8, 0x1ec2, 0x1ebb, 0x1ebd, 0x00e9, 0x1eb9, 0x1ec1, 0x1ec3, 0x1ec5,
  0x1ebf, 0x1ec7, 0x00ec, 0x1ec9, 0x1ec4, 0x1ebe, 0x1ed2, 0x0129, 0x00ed, 0x1ecb, 0x00f2, 0x1ed4, 0x1ecf, 0x00f5, 0x00f3, 0x1ecd, 0x1ed3,
  0x1ed5, 0x1ed7, 0x1ed1, 0x1ed9, 0x1edd, 0x1edf, 0x1ee1, 0x1edb, 0x1ee3, 0x00f9, 0x1ed6, 0x1ee7, 0x0169, 0x00fa, 0x1ee5, 0x1eeb, 0x1eed,
  0x1eef, 0x1ee9, 0x1ef1, 0x1ef3, 0x1ef7, 0x1ef9, 0x00fd, 0x1ef5, 0x1ed0,
];
const TCVN3_DECODE = Array.from({ length: 256 }, (_, b) =>
  b < 0x80 ? String.fromCharCode(b) : String.fromCharCode(TCVN3_HIGH[b - 0x80] ?? 0xfffd),
);
// Capitals with a tone have no VN3 code of their own: encode them with their lowercase code, as .VnTimeH users did.
const TCVN3_ENCODE = new Map<string, number>();
for (let b = 0xff; b >= 0xa1; b--) TCVN3_ENCODE.set(TCVN3_DECODE[b]!, b);
for (let b = 0x80; b < 0xa1; b++) if (!TCVN3_ENCODE.has(TCVN3_DECODE[b]!)) TCVN3_ENCODE.set(TCVN3_DECODE[b]!, b);

// VNI-Windows: vowel + mark bytes (shown in Latin-1). Upper-case marks are the lower-case byte − 0x20.
// Marks: tone (sắc ù, huyền ø, hỏi û, ngã õ, nặng ï), circumflex â, breve ê, and both together.
const VNI_TONES = ['', 'ù', 'ø', 'û', 'õ', 'ï'] as const; // none, sắc, huyền, hỏi, ngã, nặng
const TONE_MARKS = ['', '\u0301', '\u0300', '\u0309', '\u0303', '\u0323'] as const;
const VNI_CIRCUMFLEX = ['â', 'á', 'à', 'å', 'ã', 'ä'] as const; // ^ alone, then ^ with each tone
const VNI_BREVE = ['ê', 'é', 'è', 'ú', 'ü', 'ë'] as const;
// i and ỵ have one-byte forms: í ì æ ó ò for the tones of i; î for ỵ.
const VNI_I = ['i', 'í', 'ì', 'æ', 'ó', 'ò'] as const;

function buildVni(): Map<string, string> {
  const map = new Map<string, string>(); // VNI sequence (Latin-1) → NFC text
  const add = (seq: string, text: string) => {
    map.set(seq, text.normalize('NFC'));
    map.set(seq.toUpperCase(), text.toUpperCase().normalize('NFC'));
    // Mixed case ("A" + lower-case mark) appears where fonts were switched mid-word.
    if (seq.length === 2) map.set(seq[0]!.toUpperCase() + seq[1], text.toUpperCase().normalize('NFC'));
  };
  for (const [base, vni] of [
    ['a', 'a'],
    ['e', 'e'],
    ['o', 'o'],
    ['u', 'u'],
    ['y', 'y'],
    ['ơ', 'ô'],
    ['ư', 'ö'],
  ] as const) {
    for (let t = 0; t < 6; t++) add(vni + VNI_TONES[t], base + TONE_MARKS[t]);
  }
  for (const base of ['a', 'e', 'o'] as const) {
    for (let t = 0; t < 6; t++) add(base + VNI_CIRCUMFLEX[t], base + '\u0302' + TONE_MARKS[t]);
  }
  for (let t = 0; t < 6; t++) add('a' + VNI_BREVE[t], 'a\u0306' + TONE_MARKS[t]);
  for (let t = 1; t < 6; t++) add(VNI_I[t]!, 'i' + TONE_MARKS[t]);
  add('î', 'ỵ');
  add('ñ', 'đ');
  return map;
}
const VNI_DECODE = buildVni();
const VNI_ENCODE = new Map<string, string>();
for (const [seq, text] of VNI_DECODE) if (!VNI_ENCODE.has(text) || seq === seq.toUpperCase()) VNI_ENCODE.set(text, seq);
// Single mark bytes that may start a two-byte sequence; a letter followed by one is tried as a pair first.
const VNI_PAIR_START = new Set([...VNI_DECODE.keys()].filter((k) => k.length === 2).map((k) => k[0]!));

function decodeVni(bytes: Uint8Array): string {
  const s = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'latin1');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (VNI_PAIR_START.has(c) && i + 1 < s.length) {
      const pair = VNI_DECODE.get(c + s[i + 1]);
      if (pair) {
        out += pair;
        i++;
        continue;
      }
    }
    out += VNI_DECODE.get(c) ?? c;
  }
  return out;
}

/** Decodes bytes of the given encoding into NFC Unicode text. */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding): string {
  switch (encoding) {
    case 'utf-8':
      return new TextDecoder('utf-8').decode(bytes).normalize('NFC');
    case 'tcvn3': {
      let out = '';
      for (const b of bytes) out += TCVN3_DECODE[b];
      return out.normalize('NFC');
    }
    case 'vni':
      return decodeVni(bytes);
    case 'windows-1258':
      // Windows-1258 writes tones as combining marks after the letter: NFC composes them.
      return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'windows1258').normalize('NFC');
    case 'latin1':
      return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'latin1');
  }
}

/** Encodes Unicode text into a legacy encoding (fixtures, and exports for old desktop tools); unmappable characters become '?'. */
export function encodeText(text: string, encoding: TextEncoding): Buffer {
  const nfc = text.normalize('NFC');
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(nfc, 'utf8');
    case 'tcvn3': {
      const out: number[] = [];
      for (const ch of nfc) {
        const code = ch.charCodeAt(0);
        if (code < 0x80) out.push(code);
        else out.push(TCVN3_ENCODE.get(ch) ?? TCVN3_ENCODE.get(ch.toLowerCase()) ?? 0x3f);
      }
      return Buffer.from(out);
    }
    case 'vni': {
      let s = '';
      for (const ch of nfc) s += ch.charCodeAt(0) < 0x80 ? ch : (VNI_ENCODE.get(ch) ?? '?');
      return iconv.encode(s, 'latin1');
    }
    case 'windows-1258':
      // Decomposed form: Windows-1258 has the base letters (ơ, ư, â …) and the five tone marks.
      return iconv.encode(decomposeTones(nfc), 'windows1258');
    case 'latin1':
      return iconv.encode(nfc, 'latin1');
  }
}

// Splits only the tone mark off (ấ → â + ́), which is the form Windows-1258 can hold.
function decomposeTones(text: string): string {
  return text.normalize('NFD').replace(/(\p{L})(\p{M}*)/gu, (_m, base: string, marks: string) => {
    const tones = marks.replace(/[^\u0300\u0301\u0303\u0309\u0323]/g, '');
    return (base + marks.replace(/[\u0300\u0301\u0303\u0309\u0323]/g, '')).normalize('NFC') + tones;
  });
}

/** The label of a `.cpg` (or a DBF language driver) mapped to an encoding; undefined when unknown. */
export function encodingFromLabel(label: string): TextEncoding | undefined {
  const l = label.trim().toLowerCase().replace(/[\s_]/g, '-');
  if (/^(utf-?8|65001)$/.test(l)) return 'utf-8';
  if (/^(tcvn-?3|tcvn|tcvn-?5712.*|abc|vn3|vntime)$/.test(l)) return 'tcvn3';
  if (/^(vni|vni-?win(dows)?)$/.test(l)) return 'vni';
  if (/^(1258|cp-?1258|windows-?1258|ansi-?1258)$/.test(l)) return 'windows-1258';
  if (/^(1252|cp-?1252|windows-?1252|iso-?8859-?1|latin-?1|88591)$/.test(l)) return 'latin1';
  return undefined;
}

// A Vietnamese syllable: optional initial consonant, one to three vowels with at most one tone, optional final.
const SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?([aăâeêioôơuưy]{1,3})(ch|ng|nh|[cmnpt])?$/;
const TONED = /[\u0300\u0301\u0303\u0309\u0323]/g;

/** Share (0–1) of the words with non-ASCII letters that are well-formed Vietnamese syllables. */
export function vietnameseScore(text: string): number {
  let words = 0;
  let good = 0;
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{M}]+/u)) {
    if (!raw || /^[a-z]*$/.test(raw)) continue;
    words++;
    const nfd = raw.normalize('NFD');
    const tones = nfd.match(TONED)?.length ?? 0;
    const bare = nfd.replace(TONED, '').normalize('NFC');
    if (tones <= 1 && SYLLABLE.test(bare)) good++;
  }
  return words === 0 ? 1 : good / words;
}

const isAscii = (b: Uint8Array) => b.every((x) => x < 0x80);

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Guesses the encoding of text samples (e.g. a DBF's string fields) when no `.cpg` says it:
 * valid UTF-8 with non-ASCII bytes is UTF-8; otherwise the legacy decoding that yields the most
 * well-formed Vietnamese syllables wins. Returns 'utf-8' for pure ASCII (any answer is right).
 */
export function detectEncoding(samples: readonly Uint8Array[]): { encoding: TextEncoding; confidence: number } {
  const nonAscii = samples.filter((s) => !isAscii(s));
  if (nonAscii.length === 0) return { encoding: 'utf-8', confidence: 1 };
  if (nonAscii.every(isUtf8)) return { encoding: 'utf-8', confidence: 1 };
  let best: { encoding: TextEncoding; confidence: number } = { encoding: 'latin1', confidence: 0 };
  for (const encoding of ['tcvn3', 'vni', 'windows-1258'] as const) {
    const text = nonAscii.map((s) => decodeText(s, encoding)).join(' ');
    const score = vietnameseScore(text);
    if (score > best.confidence) best = { encoding, confidence: score };
  }
  return best;
}

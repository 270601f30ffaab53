// What an officer types in the plot form's "Nông hộ" field, and which farmer it names. The field
// offers "Nguyễn Văn Quang (ND-AEUP-9PN8)" from a list, but a name typed in full, or picked before
// the list arrived, must still find its farmer, or be refused: never a plot saved without one.
// Pure, so the matching is tested without a browser.
import { foldVietnamese } from '../../../server/domain/parcel-query.ts';

/** A farmer as the officer's list (GET /api/farmers) gives it. */
export type FarmerOption = { id: number; lookupCode: string; fullName: string | null; hamlet: string | null };

/** What the typed text asks for: a name, a card code, or both as the list shows them. */
export type FarmerText = { name: string | null; code: string | null };

/** Which farmer the text names: none typed, exactly one, several of that name, or no one. */
export type FarmerMatch =
  { kind: 'empty' } | { kind: 'one'; farmer: FarmerOption } | { kind: 'many'; farmers: FarmerOption[] } | { kind: 'none' };

// Card codes as issued (ND-7K3M-Q9XP), typed in any case and with or without the hyphens.
const CODE = /^[a-z]{2}-?[0-9a-z]{4}-?[0-9a-z]{4}$/i;
// The list's own form: the name, then the code in brackets.
const LABELLED = /^(.*?)\s*\(\s*([^()]+?)\s*\)$/;

/** How the list shows a farmer: "Nguyễn Văn Quang (ND-AEUP-9PN8)", or the bare code when the name is unknown. */
export function farmerLabel(farmer: FarmerOption): string {
  return farmer.fullName ? `${farmer.fullName} (${farmer.lookupCode})` : farmer.lookupCode;
}

/** A name folded for comparison: no case, no diacritics, single spaces ("NGUYỄN  văn quang" = "nguyen van quang"). */
export function foldName(name: string): string {
  return foldVietnamese(name.normalize('NFC')).replace(/\s+/g, ' ').trim();
}

/** A card code folded for comparison: upper case without hyphens, as the server compares them. */
function foldCode(code: string): string {
  return code.replace(/-/g, '').toUpperCase();
}

/** Reads the typed text: "Name (CODE)" as the list shows it, a bare card code, or a name. */
export function readFarmerText(text: string): FarmerText {
  const typed = text.replace(/\s+/g, ' ').trim();
  if (!typed) return { name: null, code: null };
  const labelled = LABELLED.exec(typed);
  if (labelled && CODE.test(labelled[2]!)) return { name: labelled[1]!.trim() || null, code: labelled[2]! };
  if (CODE.test(typed)) return { name: null, code: typed };
  return { name: typed, code: null };
}

/**
 * The farmer the text names among `candidates` (the server's answer to a search for it): the code
 * decides when there is one (and a name beside it must be that farmer's); a name alone must be
 * the whole name, compared without case or diacritics, and shared by no other candidate.
 */
export function matchFarmer(text: string, candidates: readonly FarmerOption[]): FarmerMatch {
  const { name, code } = readFarmerText(text);
  if (name === null && code === null) return { kind: 'empty' };
  const wanted = name === null ? null : foldName(name);
  const found = candidates.filter(
    (f) =>
      (code === null || foldCode(f.lookupCode) === foldCode(code)) &&
      (wanted === null || (f.fullName !== null && foldName(f.fullName) === wanted)),
  );
  // The same farmer may come twice from paged answers: count people, not rows.
  const unique = [...new Map(found.map((f) => [f.id, f])).values()];
  if (unique.length === 1) return { kind: 'one', farmer: unique[0]! };
  return unique.length === 0 ? { kind: 'none' } : { kind: 'many', farmers: unique };
}

/** What to ask the server for to find the typed farmer (its `q`, at most 100 characters), or null for an empty field. */
export function farmerQuery(text: string): string | null {
  const { name, code } = readFarmerText(text);
  if (code !== null) {
    // The server compares codes with their hyphens: give it the issued form.
    const c = foldCode(code);
    return `${c.slice(0, 2)}-${c.slice(2, 6)}-${c.slice(6)}`;
  }
  return name === null ? null : name.slice(0, 100);
}

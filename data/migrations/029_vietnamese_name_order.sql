-- Lists of people in Vietnamese alphabetical order. vn_sort_key(t) keeps the letters of the
-- Vietnamese alphabet in their order (a ă â b c d đ e ê … o ô ơ … u ư … y; f j w z of other
-- languages where the Latin alphabet has them), ignores case and tone marks (Anh = Ánh), and maps
-- each letter to one character so that a byte-wise comparison (COLLATE "C") follows that order:
-- Dũng, Duy, Đức, not Đức among the D's as folding to ASCII would put it. Intl.Collator('vi')
-- orders the same at its first level; the tests hold the two together. Capitals are mapped with the
-- small letters rather than by lower(), which leaves Đ and Á as they are in a database whose
-- LC_CTYPE is C.
CREATE OR REPLACE FUNCTION vn_sort_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT translate(
    normalize(regexp_replace(normalize(t, NFD), '[\u0300\u0301\u0303\u0309\u0323]', '', 'g'), NFC),
    'aăâbcdđeêfghijklmnoôơpqrstuưvwxyzAĂÂBCDĐEÊFGHIJKLMNOÔƠPQRSTUƯVWXYZ',
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`aABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`a')
$$;

-- A person's given name: the last word of the full name, by which Vietnamese lists are sorted.
CREATE OR REPLACE FUNCTION vn_given_name(full_name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT regexp_replace(btrim(full_name), '^.*\s', '')
$$;

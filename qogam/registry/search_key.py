"""A folded Latin search key, so that Cyrillic and Latin spellings of a name meet.

Kazakh and Russian names are written in Cyrillic, in the 2021 Kazakh Latin alphabet, and in
informal transliterations ("Zhastar", "Jastar", "Жастар"). All of them fold to one key.
"""

import re
import unicodedata

_CYRILLIC = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "",
    "ы": "i", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_LATIN_SPECIAL = {"ş": "sh", "ç": "ch", "ğ": "g", "ı": "i", "ñ": "n", "ö": "o", "ü": "u", "ū": "u", "ä": "a"}
_DIGRAPHS = [("zh", "j"), ("kh", "h"), ("shch", "sh"), ("yo", "io"), ("q", "k"), ("y", "i"), ("w", "u"), ("x", "h")]
_NON_WORD = re.compile(r"[^a-z0-9]+")


def search_key(*parts: str) -> str:
    """Fold names to lower-case ASCII words separated by single spaces."""
    text = " ".join(p for p in parts if p).lower()
    out = []
    for ch in text:
        if ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
        elif ch in _LATIN_SPECIAL:
            out.append(_LATIN_SPECIAL[ch])
        else:
            out.append(ch)
    folded = unicodedata.normalize("NFKD", "".join(out)).encode("ascii", "ignore").decode()
    for a, b in _DIGRAPHS:
        folded = folded.replace(a, b)
    return _NON_WORD.sub(" ", folded).strip()

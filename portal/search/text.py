"""Words as search compares them: accents and case folded away, so that "ha noi" finds
"Hà Nội" and "da nang" finds "Đà Nẵng"."""

import re
import unicodedata

# Letters that carry no combining accent to strip, folded as PostgreSQL's unaccent does.
_LETTERS = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "Þ": "TH",
    }
)
# A word: letters and digits of any script. Nothing else reaches a query, so no input can
# be read as query syntax (quotes, & | ! : * and brackets are all separators).
_WORD = re.compile(r"[^\W_]+")
# More words than this are not read: nobody types them, and each costs a condition.
MAX_WORDS = 12


def fold(text: str) -> str:
    """The text without accents, in lower case."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words_of(text: str) -> list[str]:
    """The folded words of a search, at most ``MAX_WORDS``, each once, in order."""
    return list(dict.fromkeys(_WORD.findall(fold(text))))[:MAX_WORDS]


def fold_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the position it came from."""
    folded, origins = [], []
    for position, character in enumerate(text):
        piece = fold(character)
        folded.append(piece)
        origins.extend([position] * len(piece))
    return "".join(folded), origins

"""Search analysis (helpdesk.analysis) on what people really paste: a long word is indexed as written
(a word over what PostgreSQL indexes is left out), never handed to a stemmer whose time grows with the
square of its length."""

from helpdesk import analysis


def test_a_long_word_is_kept_as_written_a_huge_one_left_out_and_neither_reaches_a_stemmer(monkeypatch):
    lengths = []
    real = analysis._stemmer

    class Measured:
        def __init__(self, language):
            self.stemmer = real(language)

        def stemWord(self, word):  # noqa: N802 (snowballstemmer's name)
            lengths.append(len(word))
            return self.stemmer.stemWord(word)

    monkeypatch.setattr(analysis, "_stemmer", Measured)
    analysis.stem.cache_clear()
    english, persian, kept = "y" * 1_000_000, "ی" * 200_000, "z" * 500
    # Kept unstemmed up to what PostgreSQL indexes; longer words are left out (helpdesk.text.indexable).
    assert analysis.analyze(f"passwords {english} {persian} {kept} نمی‌توانم") == ["password", kept]
    assert lengths and max(lengths) <= analysis.MAX_STEM_CHARS
    analysis.stem.cache_clear()


def test_words_up_to_the_limit_are_still_stemmed():
    word = "reset" + "x" * (analysis.MAX_STEM_CHARS - len("resetting")) + "ting"
    assert len(word) == analysis.MAX_STEM_CHARS
    assert analysis.stem(word) != word

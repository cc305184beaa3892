from helpdesk.text import normalize_text, search_terms


def test_arabic_yeh_and_kaf_fold_to_persian_letters():
    assert normalize_text("كيف") == normalize_text("کیف")


def test_zwnj_is_a_word_boundary_like_a_space():
    assert normalize_text("می\u200cخواهم") == normalize_text("می خواهم")


def test_persian_and_arabic_digits_fold_to_ascii():
    assert normalize_text("۱۲۳٤٥") == "12345"


def test_diacritics_are_ignored():
    assert normalize_text("مُحَمَّد") == normalize_text("محمد")


def test_latin_text_is_case_folded():
    assert normalize_text("Invoice  PAID") == "invoice paid"


def test_search_terms_split_on_punctuation():
    assert search_terms("فاکتور، پرداخت!") == ["فاکتور", "پرداخت"]

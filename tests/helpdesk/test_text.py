import pytest

from helpdesk.text import normalize_text, search_terms, split_items, split_list


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


# --- user-typed lists (helpdesk.text.split_list) ------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "items"),
    [
        ("printer, scanner", ["printer", "scanner"]),
        ("پرینتر، چاپگر", ["پرینتر", "چاپگر"]),
        ("پرینتر،چاپگر", ["پرینتر", "چاپگر"]),
        ("a; b؛ c", ["a", "b", "c"]),
        ("one\ntwo, three", ["one", "two", "three"]),
        ("  فوری  ،  ، چاپگر ,, ", ["فوری", "چاپگر"]),
        ("سخت\u200cافزار، نرم\u200cافزار", ["سخت\u200cافزار", "نرم\u200cافزار"]),
        ("\u200cفوری\u200c، چاپگر", ["فوری", "چاپگر"]),
        ("Printer, printer، PRINTER", ["Printer"]),
        ("كيبورد، کیبورد", ["كيبورد"]),
        ("feature  request, bug", ["feature request", "bug"]),
        ("", []),
        (None, []),
    ],
)
def test_a_typed_list_splits_on_latin_and_persian_commas_and_semicolons(typed, items):
    assert split_list(typed) == items


def test_items_of_a_list_are_split_too_and_repeats_across_them_dropped():
    assert split_items(["پرینتر، سخت\u200cافزار", "printer", "پرینتر"]) == ["پرینتر", "سخت\u200cافزار", "printer"]


def test_words_over_postgresqls_lexeme_limit_are_not_indexable_counted_in_utf8_bytes():
    from helpdesk.analysis import analyze
    from helpdesk.text import MAX_WORD_BYTES, indexable

    assert indexable("a" * MAX_WORD_BYTES) and not indexable("a" * 2100)
    assert indexable("ب" * (MAX_WORD_BYTES // 2)) and not indexable("ب" * 1100)  # two bytes a letter
    assert analyze(f"invoice {'a' * 2100} {'ب' * 1100} late") == ["invoic", "late"]


def test_cut_to_bytes_keeps_whole_words_within_the_limit():
    from helpdesk.text import cut_to_bytes

    assert cut_to_bytes("short text", 100) == "short text"
    assert cut_to_bytes("سلام دنیا خوب", 12) == "سلام "  # 8 bytes and a space; "دنیا" would pass 12
    assert cut_to_bytes("a" * 50, 10) == ""

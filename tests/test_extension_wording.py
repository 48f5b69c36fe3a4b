"""The extension-wording parser read against real phrasing: every renewal and option text in the UK
OCDS files, extension clauses from Contracts Finder descriptions, the issue's examples and
register cells. Each reads as the options a person would read, or is left unread, never guessed."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_tracker.domain.extension_wording import MAX_TEXT, read_extension_wording
from contract_tracker.services.validation import MAX_OPTIONS
from shared_data import OCDS, releases_in, require_data

UNREAD = None

# Every distinct `tender.lots[].renewal.description` and `tender.lots[].options.description` of
# the UK files (Public Contracts Scotland 2019, Sell2Wales 2025), verbatim, with what they give.
NOTICES = [
    ('Additional products may be sourced by the Contracting Authority, within the limitations of the '
     'Public Contract Regulations 2015',
     UNREAD),
    ('Additional products may be sourced by the Contracting Authority, within the limitations of the '
     'Public Contract Regulations 2015.',
     UNREAD),
    ('Any media platforms and developing areas as identified through agreement.',
     UNREAD),
    ('Caredig Limited will consider entering into Long term agreements with the bidder and/or the '
     'risk carriers proposed by the bidder, for 3 years (or 3 periods of insurance), with the option '
     'to extend the award period by up to 2 further years (or 2 periods of insurance), subject to '
     'satisfactory service, performance and cost.',
     ('2y',)),
    ('The contracting authority will have an option to terminate the Framework Agreement and '
     'Framework Contractors will have an option to withdrawing from it subject to giving notice as '
     'set out in the Framework Agreement',
     UNREAD),
    ('The framework anticipated to be established at the conclusion of this exercise will be for a '
     'period of up to 48 months.',
     UNREAD),
    ('1 x 12 month extension, subject to available funding',
     ('12m',)),
    ('12 month option.',
     ('12m',)),
    ('12 month plus 12 month extension possible at the discretion of the client based on performance',
     ('12m', '12m')),
    ('12 months subject to mutual agreement and satisfactory performance',
     ('12m',)),
    ('2 one-year extension options',
     ('1y', '1y')),
    ('2 separate one year extension options',
     ('1y', '1y')),
    ('2 x 12 month extension options available',
     ('12m', '12m')),
    ('2 x 12 months',
     ('12m', '12m')),
    ('2 x Extensions of up to 12 months each',
     ('12m', '12m')),
    ('24',
     UNREAD),
    ('24 months',
     ('24m',)),
    ('24 months Extensions',
     UNREAD),
    ('24 months, plus an optional 24 + 12 months extension options',
     ('24m', '12m')),
    ('36 month initial contract period with a 24 month extension option',
     ('24m',)),
    ('6 months',
     ('6m',)),
    ('A further 1 + 1 years',
     ('1y', '1y')),
    ('An extension of one year plus one year (a total of two years) is available',
     ('1y', '1y')),
    ('An optional 12 month extension will be included as part of this contract.',
     ('12m',)),
    ('Angus',
     UNREAD),
    ('Contract duration: 12 months with an option to extend for an additional 12 months.',
     ('12m',)),
    ('Contract is for a period of two years with an option to extend for a further two years.',
     ('2y',)),
    ('Contract Period: 1st June 2025 Until The 31st May 2026rn (With The Option To Extend For Up To a'
     ' Further 36 Months In 12 monthly Periods)',
     ('12m', '12m', '12m')),
    ('Contract Period: April 2025 to March 2027 with an option to extend up to 24 months',
     ('24m',)),
    ('further 12 month extension option',
     ('12m',)),
    ('Initial contract duration 7 years with the option to extend for a further five years (3+1+1)',
     ('3y', '1y', '1y')),
    ('Lot may be extended on an annual basis for up to a further 2 years',
     ('1y', '1y')),
    ('Lot may be extended on an annual basis for up to a further 2 years.',
     ('1y', '1y')),
    ('option to extend +1year + 1year',
     ('1y', '1y')),
    ('option to extend for 12 months',
     ('12m',)),
    ('Option to extend for a further period of four years in two yearly increments (2 + 2 + 2)',
     ('2y', '2y')),
    ('Option to extend for a further period of one year.',
     ('1y',)),
    ('Option to extend for a further two years in annual increments',
     ('1y', '1y')),
    ('Option to extend for up to 2 years in 2 x 12 months intervals',
     ('12m', '12m')),
    ('Option to extend for up to 24 months in 2 x 12 month intervals',
     ('12m', '12m')),
    ('Option to extend the contract by a variable period not exceeding 24 months.',
     ('24m',)),
    ('Option to extend the contract for up to 24 months in 2 x 12 month intervals',
     ('12m', '12m')),
    ('Option to extend the contract for up to 4 further 1-year periods thereafter, at the sole '
     'discretion of Fife College, unless the Contract isrn terminated in accordance with the '
     'provisions of Fife College Terms and Conditions of Contract.',
     ('1y', '1y', '1y', '1y')),
    ('Option to extend the Initial Term of the Framework Agreement in up to three (3) 12-month '
     'periods',
     ('12m', '12m', '12m')),
    ('option to extend the Initial Term of the Framework Agreement in up to three (3) 12-month '
     'periods',
     ('12m', '12m', '12m')),
    ('Optional 7 x 12 month extensions for recurring annual costs associated with licensing, support '
     'and maintenance. Maximum total contract length of 10 years.',
     ('12m', '12m', '12m', '12m', '12m', '12m', '12m')),
    ('Options to extend for up to 2 years in 2 x 12 month intervals',
     ('12m', '12m')),
    ('PERIOD OF 3 YEARS FROM 7th OCTOBER 2025 (COMMENCEMENT DATE) WITH A FURTHER OPTION TO EXTEND FOR'
     ' 2 + 1 YEARSrn POTENTIAL END DATE: 6th OCTOBER 2031',
     ('2y', '1y')),
    ('The contract has a duration of 12 months with the option of two 6 months extensions at the '
     'council sole discretion.',
     ('6m', '6m')),
    ('The contract is anticipated to commence on the 1st June 2025 and will run for a period of three'
     ' years, with the option to extend for a further year if considered appropriate. However, the '
     'performance of the successful contractor will be reviewed annually and the Council reserves the'
     ' right to re-tender at that time if it is deemed necessary.',
     ('1y',)),
    ('The contract may be extended for a further six months at the discretion of Dumfries and '
     'Galloway Council.',
     ('6m',)),
    ('The contract will be awarded for a period of 2 years with the option to extend a further 2 '
     'periods of one year (a potential total contract length of 4 years).',
     ('1y', '1y')),
    ('The contract will be awarded for a period of two years with the option to extend a further two '
     'one year periods (a potential total contract length of 4 years).',
     ('1y', '1y')),
    ('The DPS will remain live for a minimum of 4 years but may be extended further. Note: Scotland '
     'Excel reserves the right to extend further if deemed appropriate to do so subject to the Public'
     ' Contract (Scotland) Regulation 2015.',
     UNREAD),
    ('The Framework Agreement shall operate for a period of 11 months, until 31st March 2026, with an'
     ' option to extend for a further 3 x 12 month periods.',
     ('12m', '12m', '12m')),
    ('The Framework Agreement will run for an initial period of 36 months and may be extended for a '
     'further 12rn month period, after which it will be re-tendered.',
     ('12m',)),
    ('The Framework is for twenty four (24) months initially, with two (2) optional extensions of '
     'twelve (12) months.',
     ('12m', '12m')),
    ('The Framework will be awarded on the basis of a three year agreement, with the option to extend'
     ' for a further 12 months. The values referenced are indicative of the maximum 48 month '
     'framework term',
     ('12m',)),
    ('The Framework will be awarded on the basis of a three year agreement, with the option to extend'
     ' for a further 12 months. The values referenced are indicative of the maximum 48 month '
     'framework term.',
     ('12m',)),
    ('The Framework will be for a maximum period of 48 months. The initial period of the Framework '
     'will be for 24 months from the starting date with an option to extend for up to a further 24 '
     'months subject to satisfactory operation and performance. Any periods of extension will be at '
     'the sole discretion of the Council.',
     ('24m',)),
    ('The initial period will be for 36 months, with an option to extend for up to a further 12 '
     'months until 30 June 2023. Any extension will be at the sole discretion of Renfrewshire '
     'Council.',
     ('12m',)),
    ('The term of the contract will be 2 years with an option to extend, at the sole discretion of '
     'FRS/FRA, for up to an additional 2 years.',
     ('2y',)),
    ('The term of the contract will be 2 years with an option to extend, at the sole discretion of '
     'the FRS, for up to an additional 2 years.',
     ('2y',)),
    ('The University reserves the right to extend the Agreement for a further two years subject to '
     'satisfactory performance and continuation of the University\u2019s requirements',
     ('2y',)),
    ('This contract will be renewed upon expiry subject to Dumfries and Galloway Councils business '
     'needs.',
     UNREAD),
    ('This Framework will be for an initial 24 months with the option to extend for up to a further '
     '24 months',
     ('24m',)),
    ('Two Additional one year extensions',
     ('1y', '1y')),
    ('Two one year extensions',
     ('1y', '1y')),
    ("two years in annual increments and board's discretion",
     ('1y', '1y')),
    ('Up to 24 Months (7 Year Maximum Term, inclusive of initial 5 year term)',
     ('24m',)),
    ('Up to 24 Months (Maximum Term, inclusive of initial term is 7 Years)',
     ('24m',)),
    ('Up to 24 months extension Option (7 Year maximum Term inclusive of initial contract term)',
     ('24m',)),
    ('Up to 24 months extension option (7 Year Maximum Term, inclusive of Initial Term)',
     ('24m',)),
    ('Up to a further 12 months',
     ('12m',)),
    ('We anticipate the contract to be for a period of 3 years with the option to extend for 2 '
     'further periods, each of 12 months, subject to satisfactory performance and mutual agreement.',
     ('12m', '12m')),
    ('with an option to extend for 12 months',
     ('12m',)),
    ('with an option to extend for up to 24 months in 12 month increments aligned with the event '
     'dates',
     ('12m', '12m')),
    ('With the option to extend annually until 31st May 2030',
     UNREAD),
    ('With The Option To Extend For 2 Periods Of 12 Months Each',
     ('12m', '12m')),
]

# Extension clauses from Contracts Finder 2025 tender descriptions (cut out of longer text).
CONTRACTS_FINDER = [
    ("The contract will be for an initial term of 5 years with optional extensions of a maximum further 5 "
     "years. The extensions may be any period up to the maximum 5 years", UNREAD),  # how many is not said
    ("Contract was awarded for three years with an additional two 12 month extension periods", ("12m", "12m")),
    ("The Contract will be awarded for a period of 1 year until Tuesday 31st March 2026, with an option to extend "
     "for a further 1 year period subject to funding and the absolute discretion of the Council", ("1y",)),
    ("It is anticipated that the contract will be let for a 2 years term with a potential extension of up to "
     "12 months, subject to good performance", ("12m",)),
    ("over a 3 year period with an additional 2 year extension", ("2y",)),
    ("This is a 3 year contract with the option to extend for a further 1 year period (3+1)", ("1y",)),
    ("Optional Extension Period of 2 x 12 Months", ("12m", "12m")),
    ("The contract will be for an initial 4 year period with an option to extend for up to 1 year equating to 25% "
     "of the original", ("1y",)),
    ("Lots 1-4 are for a three year term with possible 1+1 year extension", ("1y", "1y")),
    ("The duration of the contract will be for an initial period of two (2) years with the option to further "
     "extend the contract on the same terms for a further period of one (1) year making possible a total "
     "contract period of three (3) years", ("1y",)),
    ("The contract is expected to run from 1st April 2025 date for 5 years, with the potential for an additional "
     "up to 24 months' extension", ("24m",)),
    ("The council reserves the right to extend this contract up until 2025-07-31", UNREAD),  # a date, no length
    ("a framework for a three (3) year term with the ability to extend the contract period by a further two (2) "
     "one (1) year period", ("1y", "1y")),
    ("The Framework Agreement will have an initial term of 24 months with an option to extend incrementally for "
     "up to a total period of a further 24 months", UNREAD),  # increments of unstated length
    ("The Framework will be for 2 years with a possible extension of 2 years on a 12 month basis or 1 x 24 month",
     UNREAD),  # two readings offered
    ("The contract will be awarded initially for a two year period; the Council reserves the right to extend for "
     "a further 2 year period", ("2y",)),
    ("Awarded lots will be for 3 years from 1st April 2020 with the option of two annual extensions of 1 year each "
     "to 31st March 2025", ("1y", "1y")),
    ("It is envisaged that Contract(s) and Framework Agreement will be let for a period of 3 years (with an option "
     "to extend for up to a further 12 months subject to satisfactory performance", ("12m",)),
    ("from 1st April 2020 for 5 years with the option to extend for a further 3 years", ("3y",)),
    ("The initial term of this Agreement is Three (3) years with a possible extension of up to a further One "
     "(1)year at the Councils discretion", ("1y",)),
]

# The examples, and sums read by where they stand.
EXAMPLES = [
    ("2 x 12 months", ("12m", "12m")),
    ("two further periods of 6 months", ("6m", "6m")),
    ("up to 36 months in 12 monthly periods", ("12m", "12m", "12m")),
    ("one optional extension of 18 months", ("18m",)),
    ("option to extend for a further two years in annual increments", ("1y", "1y")),
    ("initial term of 3 years, 3+3", ("3y", "3y")),  # "3+3" after an initial term: two options
    ("a three year contract with options to extend by 3 + 3 years", ("3y", "3y")),
    ("3 year contract (3+1)", ("1y",)),  # the sum restates the whole term
    ("Contract term 3 years plus 1 year", ("1y",)),
    ("a period of up to 3 years with the option to extend for 1 year", ("1y",)),  # "up to" of the term itself
    ("6 months; 6 months", ("6m", "6m")),
    ("2 years and 6 months", UNREAD),  # one period of 30 months, or two? not said
    ("Please call +44 20 7946 0000", UNREAD),
    ("£1,000 + VAT", UNREAD),
    ("+1+1", UNREAD),  # no unit, and none to assume in a notice
]

# Register cells, where the column says what a bare number is.
CELLS = [
    ("+1+1", "year", ("1y", "1y")),
    ("3+3", "year", ("3y", "3y")),
    ("1+1", "year", ("1y", "1y")),
    ("12", "month", ("12m",)),
    ("6 + 6", "month", ("6m", "6m")),
    ("2 x 12", "month", ("12m", "12m")),
    ("2 x 1y", "year", ("1y", "1y")),
    ("2 x 12 months", "month", ("12m", "12m")),  # a unit written wins over the column's
    ("n/a", "year", UNREAD),
]


@pytest.mark.parametrize("text, expected", NOTICES + CONTRACTS_FINDER + EXAMPLES,
                         ids=lambda value: value[:60] if isinstance(value, str) else None)
def test_real_phrasing_reads_as_written(text, expected):
    reading = read_extension_wording(text)
    assert reading.options == expected, reading.reason
    assert reading.text == text  # kept exactly
    assert reading.readable == (expected is not None)
    if expected is None:
        assert reading.reason and not reading.over_limit


@pytest.mark.parametrize("text, unit, expected", CELLS)
def test_register_cells_with_the_columns_unit(text, unit, expected):
    assert read_extension_wording(text, bare_unit=unit).options == expected


def _descriptions(path) -> set[str]:
    found = set()
    for release in releases_in(json.loads(path.read_text(encoding="utf-8"))):
        for lot in (release.get("tender") or {}).get("lots") or []:
            for key in ("renewal", "options"):
                text = (lot.get(key) or {}).get("description")
                if text:
                    found.add(text)
    return found


def test_the_table_holds_every_renewal_and_option_text_of_the_uk_files():
    """The table above is the files' own phrasing: a text added to the data must be added to it."""
    require_data()
    texts = set().union(*(_descriptions(path) for path in sorted((OCDS / "uk").glob("*.json"))))
    texts = {text for text in texts if not text.startswith("Sample ")}  # the Find a Tender API's placeholders
    assert len(texts) >= 75
    assert texts == {text for text, _ in NOTICES}
    read = sum(1 for text, expected in NOTICES if expected is not None)
    assert read >= 60, read  # most published wording reads


@pytest.mark.parametrize("text, words", [
    ("99999 x 1y", "99999 extension options; a contract has at most 20"),
    ("21 x 12 months", "21 extension options"),
    ("2 x 600 years", "longer than 50 years"),
    ("option to extend for a further 51 years", "longer than 50 years"),
    ("99999999999999999999 x 1 year", "extension options"),
])
def test_more_or_longer_options_than_a_contract_may_have_are_over_the_limit(text, words):
    reading = read_extension_wording(text)
    assert reading.options is None and reading.over_limit
    assert words in reading.reason


def test_twenty_options_are_allowed():
    assert read_extension_wording(f"{MAX_OPTIONS} x 1 year").options == ("1y",) * MAX_OPTIONS


def test_a_very_long_text_is_not_read():
    reading = read_extension_wording("option to extend for 12 months " + "x" * MAX_TEXT)
    assert reading.options is None and "longer than" in reading.reason


@given(st.text(max_size=300))
def test_any_text_gives_a_reading_and_never_an_error(text):
    reading = read_extension_wording(text)
    assert reading.text == text
    if reading.options is not None:
        assert 1 <= len(reading.options) <= MAX_OPTIONS


@given(st.lists(st.sampled_from(["2", "x", "12", "months", "+", "1", "year", "further", "up to", "in", "annual",
                                 "increments", "(", ")", "option", "to", "extend", "for", "periods", "of", ",",
                                 "99999", "plus", "each"]), max_size=25))
def test_word_salads_of_extension_words_give_a_reading(words):
    reading = read_extension_wording(" ".join(words))
    if reading.options is not None:
        assert 1 <= len(reading.options) <= MAX_OPTIONS

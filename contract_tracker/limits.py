"""The limits on what the register accepts, stated once: a contract has at most 20 extension
options, and no period (a term, an option, a notice) is longer than 50 years. Pure: the wording
parser and the shared validation both read them."""

MAX_PERIOD_YEARS = 50
MAX_OPTIONS = 20

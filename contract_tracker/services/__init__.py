"""The use cases. Each function takes a session (one transaction, committed by the caller's
`Store.session()`), checks its input, changes the facts, audits every change and rewrites the
contract's deadlines."""

from .contracts import (
    BreakInput,
    ContractFields,
    add_break,
    add_option,
    edit_contract,
    link_successor,
    register_contract,
    suppliers_of,
    term_between,
    terminate,
)
from .lookup import get_contract, get_milestone, get_option, lock_contract, options_of
from .milestones import add_milestone, complete_milestone, edit_milestone, milestones_of
from .options import decline_option, exercise_option
from .sync import load_snapshot, refresh_deadlines

__all__ = [
    "BreakInput",
    "ContractFields",
    "add_break",
    "add_milestone",
    "add_option",
    "complete_milestone",
    "decline_option",
    "edit_contract",
    "edit_milestone",
    "exercise_option",
    "get_contract",
    "get_milestone",
    "get_option",
    "link_successor",
    "load_snapshot",
    "lock_contract",
    "milestones_of",
    "options_of",
    "refresh_deadlines",
    "register_contract",
    "suppliers_of",
    "term_between",
    "terminate",
]

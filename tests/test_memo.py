"""Memo: a function's results kept in a dict, bounded."""

from contract_tracker.domain.memo import Memo


def test_a_memo_works_each_key_out_once_and_keeps_at_most_its_limit():
    calls = []

    def square(number: int) -> int:
        calls.append(number)
        return number * number

    memo = Memo(square, limit=3, known={0: 0})
    assert [memo[n] for n in (2, 2, 3, 0)] == [4, 4, 9, 0]
    assert calls == [2, 3]  # each worked out once; 0 was known
    assert [memo[n] for n in (4, 5, 4)] == [16, 25, 16]  # past the limit: answered, not kept
    assert len(memo) == 3 and calls == [2, 3, 4, 5, 4]

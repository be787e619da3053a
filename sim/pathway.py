"""Pathway states of a participant (causal link 2)."""

from __future__ import annotations

from enum import IntEnum


class State(IntEnum):
    """Exactly one of these holds for every participant in every month."""

    UNREACHED = 0  # on assistance, not in contact with the programme
    ENGAGED = 1  # in contact (intake), waiting for or between tracks
    IN_TRACK = 2  # coached by a foundation (coaching, training, debt help referral)
    ENTRY_JOB = 3  # in an entry job with a coalition employer
    REGULAR_WORK = 4  # in regular work, off assistance
    EXITED = 5  # left the population for other reasons (moved, retired)


STATE_NAMES: tuple[str, ...] = tuple(s.name.lower() for s in State)

"""Field types that the events of several services carry: what an id, an organisation code, a count
or a reason may be is said once here, so that the same thing is validated alike in every event (and
in every published schema) that carries it. A service's own field types stay in its module."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

_CODE_PATTERN = r"^[A-Za-z0-9_-]+$"

# The id a service gives one of its records (a lead, a patrol, a drive, an appointment...).
RecordId = Annotated[str, Field(min_length=1, max_length=40, pattern=_CODE_PATTERN)]
# A person of the appointments registry (an officer or a cadre), by the id the registry gave them.
PersonId = RecordId
# A unit of the organisation registry (the city, a township, a police station, a village, a grid...).
OrgCode = Annotated[str, Field(min_length=1, max_length=32, pattern=_CODE_PATTERN)]
# The name of a registered organisation (a unit of the registry, a school, an enterprise).
OrgName = Annotated[str, Field(min_length=1, max_length=200)]
# A grid as a resident's lead or a dispute names it, passed on as given.
GridCode = Annotated[str, Field(min_length=1, max_length=32)]
# How many of something one occasion counted (students processed, places checked, cases of a day...).
Count = Annotated[int, Field(ge=0, le=100_000)]
# Why someone acted, in their own words.
Reason = Annotated[str, Field(min_length=1, max_length=500)]
# A remark someone may add to what they record (a field of this type defaults to "").
Note = Annotated[str, Field(max_length=500)]

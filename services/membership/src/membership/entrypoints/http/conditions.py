"""HTTP: the ICD-10 reference (public, no token), for choosing conditions."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter
from pydantic import BaseModel

from membership.domain.conditions import ConditionInfo
from membership.service_layer import health_data


class ConditionRead(BaseModel):
    code: str
    description: str
    chapter: str
    block: str
    category: str

    @classmethod
    def of(cls, info: ConditionInfo) -> ConditionRead:
        return cls(
            code=info.code, description=info.description, chapter=info.chapter, block=info.block, category=info.category
        )


class ConditionsController(Controller):
    path = "/conditions"
    tags = ["conditions"]

    @get("/search", operation_id="search_conditions", sync_to_thread=False)
    def search(
        self,
        q: Annotated[str, QueryParameter(description="a code prefix or words, at most 100 characters")] = "",
        limit: Annotated[int, QueryParameter(description="at most 50")] = 20,
    ) -> list[ConditionRead]:
        """ICD-10 categories and subcategories by code prefix ('G43') or words of their name ('migraine')."""
        return [ConditionRead.of(info) for info in health_data.search_conditions(q, limit)]

    @get("/{code:str}", operation_id="get_condition", sync_to_thread=False)
    def condition(self, code: FromPath[str]) -> ConditionRead:
        """One ICD-10 category or subcategory with its chapter and block."""
        return ConditionRead.of(health_data.condition(code))

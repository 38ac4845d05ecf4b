"""Small helpers for the API tests."""

from __future__ import annotations

from typing import Any

from django.test import Client

API = "/api/v1"


def get(client: Client, path: str, **params: Any) -> Any:
    """GET ``path`` under /api/v1 and return the parsed body of a 200."""
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["items"]]


def walk(client: Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, page after page, by following next_cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        body = get(client, path, **params, **({"cursor": cursor} if cursor else {}))
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the pages never ended")

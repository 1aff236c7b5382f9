"""The authlib request both OAuth 2 servers build, their bearer tokens and how they grant scopes."""

from __future__ import annotations

from starlette.datastructures import Headers

from citizen_app.core.oauth_adapter import (
    PairsPayload,
    PlainOAuth2Request,
    granted_scope,
    random_bearer_tokens,
)


def test_a_payload_keeps_the_first_value_of_a_name_and_all_of_them() -> None:
    payload = PairsPayload([("scope", "a"), ("scope", "b"), ("grant_type", "client_credentials")])
    assert payload.data == {"scope": "a", "grant_type": "client_credentials"}
    assert payload.datalist["scope"] == ["a", "b"]


def test_the_request_keeps_query_and_form_apart_and_reads_both_as_its_payload() -> None:
    request = PlainOAuth2Request(
        method="POST",
        url="http://localhost:3000/idp/token",
        headers=Headers({"Authorization": "Basic eDp5"}),
        query=[("state", "s1")],
        form=[("grant_type", "authorization_code"), ("code", "c1")],
    )
    assert request.args == {"state": "s1"}
    assert request.form == {"grant_type": "authorization_code", "code": "c1"}
    assert request.payload.data == {"state": "s1", "grant_type": "authorization_code", "code": "c1"}
    assert request.headers.get("authorization") == "Basic eDp5"
    # Plain http is accepted: TLS ends in front of the app.
    assert request.uri.startswith("http://") and request.client is None and request.scope is None


def test_a_form_only_request_has_no_query() -> None:
    request = PlainOAuth2Request(method="POST", url="http://app/api/v1/oauth/token", headers={}, form=[("a", "1")])
    assert request.args == {} and request.form == {"a": "1"}


class _Client:
    def get_allowed_scope(self, scope: str | None) -> str:
        return scope or ""


def test_bearer_tokens_are_random_of_the_given_length_and_lifetime() -> None:
    generate = random_bearer_tokens(48, 900)
    first = generate(grant_type="client_credentials", client=_Client())
    second = generate(grant_type="client_credentials", client=_Client())
    assert len(first["access_token"]) == 48 and first["access_token"] != second["access_token"]
    assert first["token_type"] == "Bearer" and first["expires_in"] == 900


def test_granted_scope_keeps_the_order_asked_drops_repeats_and_what_is_not_allowed() -> None:
    assert granted_scope(["phone", "openid", "phone", "admin"], {"openid", "phone"}) == "phone openid"
    assert granted_scope([], {"openid"}) == ""

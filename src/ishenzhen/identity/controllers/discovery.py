"""HTTP only: OpenID Provider and RFC 8414 authorization-server metadata under ``/.well-known``."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency

from ishenzhen.identity.oauth.engine import CLIENT_AUTH_METHODS, SCOPES
from ishenzhen.identity.oauth.keys import SIGNING_ALGORITHMS
from ishenzhen.identity.oauth.schemas import ProviderMetadata
from ishenzhen.identity.state import IdentityState
from ishenzhen.lib.http import response_spec as _spec

__all__ = ["DiscoveryController"]


class DiscoveryController(Controller):
    path = "/.well-known"
    tags = ["oauth"]

    def _metadata(self, issuer: str) -> ProviderMetadata:
        methods = [m for m in CLIENT_AUTH_METHODS]
        return ProviderMetadata(
            issuer=issuer,
            authorization_endpoint=f"{issuer}/oauth/authorize",
            token_endpoint=f"{issuer}/oauth/token",
            userinfo_endpoint=f"{issuer}/oauth/userinfo",
            jwks_uri=f"{issuer}/oauth/jwks",
            revocation_endpoint=f"{issuer}/oauth/revoke",
            introspection_endpoint=f"{issuer}/oauth/introspect",
            end_session_endpoint=f"{issuer}/oauth/end-session",
            scopes_supported=SCOPES,
            response_types_supported=["code"],
            response_modes_supported=["query"],
            grant_types_supported=["authorization_code", "refresh_token", "client_credentials"],
            code_challenge_methods_supported=["S256"],
            token_endpoint_auth_methods_supported=methods,
            token_endpoint_auth_signing_alg_values_supported=["ES256", "RS256"],
            revocation_endpoint_auth_methods_supported=methods,
            introspection_endpoint_auth_methods_supported=[m for m in methods if m != "none"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=list(SIGNING_ALGORITHMS),
            acr_values_supported=["L1", "L2", "L3"],
            prompt_values_supported=["none", "login", "consent"],
            claims_supported=[
                "sub",
                "name",
                "phone_number",
                "phone_number_verified",
                "acr",
                "amr",
                "auth_time",
                "nonce",
                "assurance_level",
            ],
            ui_locales_supported=["zh-CN", "en"],
            authorization_response_iss_parameter_supported=False,
            request_parameter_supported=False,
            request_uri_parameter_supported=False,
        )

    @get(
        "/openid-configuration",
        summary="OpenID Provider metadata",
        responses={200: _spec(ProviderMetadata, "Metadata")},
    )
    async def openid_configuration(self, identity: NamedDependency[IdentityState]) -> ProviderMetadata:
        return self._metadata(identity.issuer)

    @get(
        "/oauth-authorization-server",
        summary="Authorization server metadata (RFC 8414)",
        responses={200: _spec(ProviderMetadata, "Metadata")},
    )
    async def oauth_authorization_server(self, identity: NamedDependency[IdentityState]) -> ProviderMetadata:
        return self._metadata(identity.issuer)

"""Results the gateway issues (approval documents): signed JWS, a public verification endpoint, revocation."""

from ishenzhen.results.schemas import ResultVerification
from ishenzhen.results.service import Signer, issue, revoke, verification, verification_path

__all__ = ["ResultVerification", "Signer", "issue", "revoke", "verification", "verification_path"]

"""The OBO exchanger (MSAL) and its error contract."""

from backend.obo.errors import EntraChallenge, OboError
from backend.obo.exchanger import Caller, OboExchanger, OboToken

__all__ = ["Caller", "EntraChallenge", "OboError", "OboExchanger", "OboToken"]

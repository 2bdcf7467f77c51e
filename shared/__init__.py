"""Fellowship's cross-cutting code: contracts, messaging, data access, web pieces, test infrastructure.

No business rules live here; those belong to the one service that owns them.
"""

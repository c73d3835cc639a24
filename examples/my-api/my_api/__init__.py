"""My API: a small FastAPI service protected by Microsoft Entra ID (an example that is not
part of the lab: it knows nothing of the mock but its settings)."""

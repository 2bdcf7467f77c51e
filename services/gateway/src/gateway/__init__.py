"""Gateway: the single entry point for the patients' web client."""

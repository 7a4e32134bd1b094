"""Custom Rasa connectors (loaded by the Rasa server from credentials.yml)."""

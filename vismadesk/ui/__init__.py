"""The operator console: the Qt window over the engine (the only layer that knows Qt)."""

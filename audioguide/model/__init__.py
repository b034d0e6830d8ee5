"""The model: value types every stage passes on (document, settings, plan, manifest)."""

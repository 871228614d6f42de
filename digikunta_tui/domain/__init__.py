"""The domain: typed models over record fields, validation and rules. Never imports textual."""

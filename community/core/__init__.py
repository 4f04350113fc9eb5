"""What every module shares: errors, permissions, sanitizing, audit, catalogues, time."""

"""Intake: from an article's text to its checkable candidate claims (finder), and each candidate matched against the
desk's claims (matching). The figures are read by claims.quantities and the periods by claims.periods."""

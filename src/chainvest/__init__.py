"""chainvest: industrial-chain investment promotion platform."""

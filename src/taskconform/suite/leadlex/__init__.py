"""LeadLex-specific checks: the rules of Create Task that take more than one probe or schema."""

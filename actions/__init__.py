"""What follows a report: filing, escalation, aftercare, feedback and exports."""

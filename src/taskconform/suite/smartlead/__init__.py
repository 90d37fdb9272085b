"""SmartLead clause checks that need more than one probe: created tasks against what was sent."""

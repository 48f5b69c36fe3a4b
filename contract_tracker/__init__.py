"""contract-tracker: a register of public contracts, their options, breaks and procurement milestones."""

__version__ = "0.1.0"

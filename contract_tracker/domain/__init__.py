"""The rules, with no database and no clock: dates and periods, working days, the contract
lifecycle, the deadlines a contract owes and the statutory periods, procurement planning, money and
the finance rules. Every function takes "today" as an argument."""

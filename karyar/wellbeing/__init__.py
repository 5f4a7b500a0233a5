"""The client's wellbeing: noticing distress in what they write, so a person is offered at once."""

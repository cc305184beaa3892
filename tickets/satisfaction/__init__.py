"""Customer satisfaction after a ticket is solved: the survey mail (surveys), the follow-up of bad
ratings for the team lead (follow_ups), the roll-up figures (stats), their pages and API.

The rating itself is written by tickets.ratings.rating_submit, the one writer every channel calls.
"""

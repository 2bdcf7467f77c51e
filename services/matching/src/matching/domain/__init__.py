"""Matching's pure core: no database, no broker, only values in and values out.

- `model`: a mentee's open `Request` and a peer `Mentor`.
- `availability`: weekly overlap and first common slot in UTC from IANA zones, DST-correct.
- `similarity`: condition similarity on the ICD-10 hierarchy.
- `scoring`: the hard rules (`eligible`), the score with its breakdown, the reason a request is unmatched.
- `candidates`: every eligible pair with its score for large pools, vectorised, never requests × mentors.
- `solver`: the assignment of maximum total score within mentors' capacities (exact), and a greedy baseline.
"""

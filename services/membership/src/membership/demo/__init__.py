"""The demo data set `make run` loads: who is in it (`people`) and how it is loaded (`load`)."""

from membership.demo.load import load_demo_data
from membership.demo.people import CHRONIC_PAIN, DEMO_EMAILS, DEMO_PASSWORD, RARE_LUNG

__all__ = ["CHRONIC_PAIN", "DEMO_EMAILS", "DEMO_PASSWORD", "RARE_LUNG", "load_demo_data"]

"""Rapid mobilization campaigns (应急动员): stages, recruits, screening, deployment."""

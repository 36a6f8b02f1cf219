"""Helpers for the LSTM course notebooks."""

"""Placeholder until the token endpoint lands."""

from fastapi import APIRouter

router = APIRouter()

"""Placeholder: the authorize, sign-in, consent and logout endpoints are built separately."""

from fastapi import APIRouter

router = APIRouter()

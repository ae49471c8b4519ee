"""Intake: releases as they are found turned into drafts and loaded."""

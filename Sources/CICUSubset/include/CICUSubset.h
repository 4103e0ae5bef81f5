// The ICU data subset has no interface: linking it is what it does (scripts/make-icu-subset).

<?xml version="1.0" encoding="UTF-8"?>
<!-- A W3C PLS 1.0 pronunciation lexicon, the format clinics and screen readers exchange:
     give it to build, say or words with the lexicon option. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>Toradol</grapheme><alias>TOR a doll</alias></lexeme>
  <lexeme><grapheme>PRP</grapheme><alias>P R P</alias></lexeme>
</lexicon>

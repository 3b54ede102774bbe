# R's colour names and default palette, as col2rgb() reads them (issue 15: `col =` of plot,
# barplot and hist). Run from the repository root:
#   Rscript r/colours.R   (writes crates/rstats/src/colours.txt, which sharestat-rstats embeds;
#                          CI needs no R)
names <- colors()
rgb <- col2rgb(names)
hex <- sprintf("%02X%02X%02X", rgb[1, ], rgb[2, ], rgb[3, ])
pal <- col2rgb(palette())
pal_hex <- sprintf("%02X%02X%02X", pal[1, ], pal[2, ], pal[3, ])
out <- c("# R's colors() and palette() (R 4.x defaults), made by r/colours.R; do not edit",
         paste0("palette ", pal_hex),
         paste(names, hex))
writeLines(out, "crates/rstats/src/colours.txt")

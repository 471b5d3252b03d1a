#!/usr/bin/env Rscript
# Makes the model x G BIC tables of docs/models.md (mclust's side).
#
#   Rscript tests/Bgmm.Tests/Fixtures/mclust/tables/make_tables.R   (from the repository root)
#
# Needs R and mclust (Debian: apt-get install r-cran-mclust). Reads ../data/*.csv (written by
# ../make_fixtures.R) and writes <dataset>.json next to itself: the partitions hclass(hc(data), G) for
# G = 1..9 (the starts mclust's mclustBIC uses) and mclust's BIC table
#   mclustBIC(data, G = 1:9, modelNames = the ten, prior = priorControl(),
#             initialization = list(hcPairs = hc(data)), control = emControl(tol = c(1e-12, 1e-15), itmax = c(10000L, 1000L)))
# with mclust's sign (2 loglik - p log n, larger better; NA where me() gave up), 17 significant digits.

suppressPackageStartupMessages(library(mclust))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- if (length(script) == 1) dirname(normalizePath(script)) else getwd()

MODELS <- c("EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "EEV", "VEV", "VVV")
GS <- 1:9

num <- function(x) if (is.na(x)) "null" else sprintf("%.17g", x)
jvec <- function(x) paste0("[", paste(vapply(as.numeric(x), num, ""), collapse = ","), "]")
jint <- function(x) paste0("[", paste(as.integer(x), collapse = ","), "]")
jstr <- function(s) paste0("\"", s, "\"")

tables <- list(
  list(name = "faithful", file = "data/faithful.csv", columns = 0:1),
  list(name = "iris", file = "data/iris.csv", columns = 0:3),
  list(name = "diabetes", file = "data/diabetes.csv", columns = 0:2))

for (t in tables) {
  X <- as.matrix(read.csv(file.path(out_dir, "..", t$file), header = FALSE, colClasses = "numeric"))[, t$columns + 1, drop = FALSE]
  dimnames(X) <- NULL
  tree <- hc(X)
  labels <- hclass(tree, GS)
  bic <- mclustBIC(X, G = GS, modelNames = MODELS, prior = priorControl(),
                   initialization = list(hcPairs = tree), control = emControl(tol = c(1e-12, 1e-15), itmax = c(10000L, 1000L)))
  best <- names(pickBIC(bic, 1))
  fields <- c(
    sprintf("\"generator\":%s", jstr("tests/Bgmm.Tests/Fixtures/mclust/tables/make_tables.R")),
    sprintf("\"mclust_version\":%s", jstr(as.character(packageVersion("mclust")))),
    sprintf("\"dataset\":%s", jstr(t$name)),
    sprintf("\"data\":%s", jstr(t$file)),
    sprintf("\"columns\":%s", jint(t$columns)),
    sprintf("\"G\":%s", jint(GS)),
    sprintf("\"labels\":[%s]", paste(vapply(seq_along(GS), function(i) jint(labels[, i]), ""), collapse = ",")),
    sprintf("\"bic\":{%s}", paste(vapply(MODELS, function(m) sprintf("%s:%s", jstr(m), jvec(bic[, m])), ""), collapse = ",")),
    sprintf("\"best\":%s", jstr(best)))
  path <- file.path(out_dir, paste0(t$name, ".json"))
  writeLines(paste0("{", paste(fields, collapse = ","), "}"), path)
  cat(sprintf("%-16s best %s\n", basename(path), best))
  print(summary(bic))
}

#!/usr/bin/env Rscript
# Makes the mclust fixtures for the covariance models (docs/models.md).
#
#   Rscript tests/Bgmm.Tests/Fixtures/mclust/make_fixtures.R   (from the repository root)
#
# Needs R and mclust (Debian: apt-get install r-cran-mclust; these fixtures were made with the
# mclust and R versions recorded in every fixture). The tests never run R: they read the files
# this script writes next to itself.
#
# For every data set, number of components G and model, starting from the fixed hard partition
# hclass(hc(data), G) (stored in the fixture), it records
#   me(modelName, data, unmap(labels), prior = priorControl(),
#      control = emControl(tol = c(1e-14, 1e-15), itmax = c(t, INNER_MAX)))
# for t = 1, 10, 100 iterations and at convergence (t = CONVERGENCE_MAX): weights, means, full
# covariance matrices, the model's own variance parameters (scale / shape / orientation, sigmasq)
# and loglik, with 17 significant digits, plus the prior defaultPrior() gave (priorControl()
# calls defaultPrior with the data, G and the model name). A run that mclust cannot finish
# (singular covariance, a component that empties) is recorded with its warning and return code.
#
# Each multivariate fixture also holds "eei_map": the same four runs of EEI as the library fits it (the
# conjugate MAP step, which mclust's me() does not take; see run_eei_map below).
#
# Output: data/*.csv (each data set once, exactly the doubles R used) and <dataset>_G<G>.json.

suppressPackageStartupMessages(library(mclust))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- if (length(script) == 1) dirname(normalizePath(script)) else getwd()
dir.create(file.path(out_dir, "data"), showWarnings = FALSE)

TOL <- c(1e-14, 1e-15)
CHECKPOINTS <- c(1L, 10L, 100L)
CONVERGENCE_MAX <- 10000L
# The inner iteration of VEI and VEV stops when its relative change is below TOL[2] or after
# this many inner steps (mclust's default is .Machine$integer.max). With TOL[2] = 1e-15 the inner
# iteration sometimes ends in a rounding-level cycle instead of meeting the tolerance; the results
# are then the same (to the last bit, checked for 100, 1000 and 100000) whatever the cap, and a
# small cap keeps the slow reference that replays the iteration fast.
INNER_MAX <- 1000L

MULTIVARIATE_MODELS <- c("EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "EEV", "VEV", "VVV")
UNIVARIATE_MODELS <- c("E", "V")

# ---------------------------------------------------------------- JSON, 17 significant digits
num <- function(x) {
  if (length(x) != 1) stop("num() takes one value")
  if (is.na(x)) return("null")
  if (is.infinite(x)) stop("infinite value in a fixture")
  s <- sprintf("%.17g", x)
  if (as.numeric(s) != x) stop("17 digits do not round-trip")
  s
}
jvec <- function(x) paste0("[", paste(vapply(as.numeric(x), num, ""), collapse = ","), "]")
jint <- function(x) paste0("[", paste(as.integer(x), collapse = ","), "]")
jmat <- function(m) paste0("[", paste(apply(as.matrix(m), 1, jvec), collapse = ","), "]")
jstr <- function(s) paste0("\"", gsub("\"", "\\\\\"", s), "\"")
jobj <- function(fields) {
  fields <- fields[!vapply(fields, is.null, TRUE)]
  if (length(fields) == 0) return("{}")
  paste0("{", paste0(jstr(names(fields)), ":", unlist(fields), collapse = ","), "}")
}
jlist <- function(items) paste0("[", paste(items, collapse = ","), "]")

# ---------------------------------------------------------------- data sets
# Shortest decimal text that reads back as exactly the same double.
shortest <- function(x) {
  vapply(x, function(v) {
    for (d in 15:17) {
      s <- formatC(v, digits = d, format = "g")
      if (as.numeric(s) == v) return(trimws(s))
    }
    stop("no round-trip text")
  }, "")
}
write_data <- function(name, X) {
  X <- as.matrix(X)
  path <- file.path(out_dir, "data", paste0(name, ".csv"))
  lines <- apply(X, 1, function(r) paste(shortest(r), collapse = ","))
  writeLines(lines, path)
  back <- as.matrix(read.csv(path, header = FALSE, colClasses = "numeric"))
  dimnames(back) <- NULL
  Y <- X; dimnames(Y) <- NULL
  if (!identical(back, Y)) stop("CSV does not reproduce the data exactly: ", name)
  paste0("data/", name, ".csv")
}

generated <- function() {
  set.seed(20240601)
  make <- function(n, mu, S) {
    Z <- matrix(rnorm(n * length(mu)), n)
    sweep(Z %*% chol(S), 2, mu, "+")
  }
  rot <- function(a) matrix(c(cos(a), sin(a), 0, -sin(a), cos(a), 0, 0, 0, 1), 3)
  S1 <- diag(c(1, 0.3, 0.1))
  S2 <- rot(0.7) %*% diag(c(2.5, 0.6, 0.4)) %*% t(rot(0.7))
  S3 <- rot(-0.4) %*% diag(c(0.5, 0.5, 1.5)) %*% t(rot(-0.4))
  X <- rbind(make(90, c(0, 0, 0), S1), make(70, c(4, 2, 1), S2), make(60, c(-1, 5, 3), S3))
  X <- round(X, 4)
  X[sample(nrow(X)), ]
}

datasets <- list(
  list(name = "faithful", X = as.matrix(faithful), source = "datasets::faithful (eruptions, waiting)"),
  list(name = "iris", X = as.matrix(iris[, 1:4]), source = "datasets::iris, the four measurements"),
  list(name = "diabetes", X = as.matrix(mclust::diabetes[, 2:4]), source = "mclust::diabetes (glucose, insulin, sspg)"),
  list(name = "generated", X = generated(), source = "make_fixtures.R generated(): 3-D, 3 Gaussians, set.seed(20240601), rounded to 4 decimals")
)

# ---------------------------------------------------------------- one run of me()
variance_fields <- function(model, v, G, p) {
  switch(model,
    E = , V = , EII = , VII = list(sigmasq = jvec(v$sigmasq)),
    EEI = , VEI = list(scale = jvec(v$scale), shape = jvec(v$shape)),
    EVI = , VVI = list(scale = jvec(v$scale), shape = jlist(lapply(1:G, function(k) jvec(v$shape[, k])))),
    EEE = list(),
    EEV = , VEV = list(scale = jvec(v$scale), shape = jvec(v$shape),
                       orientation = jlist(lapply(1:G, function(k) jmat(v$orientation[, , k])))),
    VVV = list())
}

run <- function(X, model, z, itmax) {
  oneD <- model %in% UNIVARIATE_MODELS
  data <- if (oneD) as.vector(X) else X
  G <- ncol(z)
  p <- if (oneD) 1L else ncol(X)
  control <- emControl(tol = TOL, itmax = c(itmax, INNER_MAX))
  fit <- withCallingHandlers(
    me(data, modelName = model, z = z, prior = priorControl(), control = control, warn = FALSE),
    warning = function(w) invokeRestart("muffleWarning"))
  info <- attr(fit, "info")
  code <- attr(fit, "returnCode")
  inner <- attr(info, "inner")
  fields <- list(
    itmax = as.character(itmax),
    iterations = as.character(abs(as.integer(info[["iterations"]]))),
    relative_change = num(abs(info[["error"]])),
    return_code = as.character(code),
    warning = if (is.null(attr(fit, "WARNING"))) NULL else jstr(attr(fit, "WARNING")),
    inner_iterations = if (is.null(inner)) NULL else as.character(abs(as.integer(inner[["iterations"]]))),
    # Outer convergence: |loglik_t - loglik_{t-1}| / (1 + |loglik_t|) <= TOL[1] before itmax.
    # (Return code 2, the inner iteration limit, says nothing about the outer loop.)
    converged = if (code >= 0 && abs(info[["iterations"]]) < itmax) "true" else "false")
  if (code < 0) return(jobj(c(fields, list(loglik = "null"))))
  par <- fit$parameters
  sigma <- if (oneD) {
    s <- rep(par$variance$sigmasq, length.out = G)
    lapply(1:G, function(k) jmat(matrix(s[k], 1, 1)))
  } else lapply(1:G, function(k) jmat(par$variance$sigma[, , k]))
  mean <- if (oneD) lapply(1:G, function(k) jvec(par$mean[k])) else lapply(1:G, function(k) jvec(par$mean[, k]))
  # The model's own parameters must give back the covariances mclust reports.
  if (model %in% c("EEV", "VEV")) {
    v <- par$variance
    for (k in 1:G) {
      s <- rep(v$scale, length.out = G)[k] * v$orientation[, , k] %*% diag(v$shape) %*% t(v$orientation[, , k])
      if (max(abs(s - v$sigma[, , k])) > 1e-12 * max(abs(s))) stop("orientation convention")
    }
  }
  jobj(c(fields, list(
    loglik = num(fit$loglik),
    pro = jvec(par$pro),
    mean = jlist(mean),
    sigma = jlist(sigma),
    variance = jobj(variance_fields(model, par$variance, G, p)))))
}

# ---------------------------------------------------------------- EEI as the library fits it
# mclust's meeeip (me() for EEI) is not a MAP step (docs/models.md §3.5): it keeps the unshrunk means and
# divides by n + nu0 + 2. The library fits the MAP of the same prior family instead: means
# (N_k xbar_k + kappa0 mu0)/(N_k + kappa0) and Sigma_jj = (s + sum_k B_k,jj) / (n + G + nu0 + 2). This is that
# M-step written here in R from the formula, with mclust's own E-step (estepEEI, Fortran eseei) and me()'s
# loop and stopping rule, so that the library's EEI is checked against an implementation it shares nothing with.
mstep_eei_map <- function(X, z, pr) {
  n <- nrow(X); p <- ncol(X); G <- ncol(z)
  nk <- colSums(z)
  xbar <- sweep(t(z) %*% X, 1, nk, "/")                     # G x p
  k0 <- pr$shrinkage
  mu <- (nk * xbar + k0 * matrix(pr$mean, G, p, byrow = TRUE)) / (nk + k0)
  d <- rep(pr$scale, p)
  for (k in 1:G) {
    R <- sweep(X, 2, xbar[k, ])
    d <- d + colSums(z[, k] * R^2) + k0 * nk[k] / (k0 + nk[k]) * (xbar[k, ] - pr$mean)^2
  }
  sigmasq <- d / (n + G + pr$dof + 2)
  scale <- exp(mean(log(sigmasq)))
  list(pro = nk / sum(nk), mean = t(mu),
       variance = list(modelName = "EEI", d = p, G = G, scale = scale, shape = sigmasq / scale,
                       sigma = array(diag(sigmasq), c(p, p, G))))
}

run_eei_map <- function(X, z, itmax) {
  pr <- defaultPrior(X, G = ncol(z), modelName = "EEI")
  hold <- .Machine$double.xmax / 2
  for (it in 1:itmax) {
    if (min(colSums(z)) <= sqrt(.Machine$double.eps))
      return(jobj(list(itmax = as.character(itmax), iterations = as.character(it), return_code = "-1",
                       warning = jstr("mixing proportion fell below threshold"), converged = "false", loglik = "null")))
    par <- mstep_eei_map(X, z, pr)
    es <- estepEEI(X, parameters = par)
    z <- es$z
    change <- abs(hold - es$loglik) / (1 + abs(es$loglik))
    hold <- es$loglik
    if (change <= TOL[1]) break
  }
  G <- ncol(z)
  jobj(list(
    itmax = as.character(itmax), iterations = as.character(it), relative_change = num(change),
    return_code = "0", converged = if (it < itmax) "true" else "false",
    loglik = num(es$loglik), pro = jvec(par$pro),
    mean = jlist(lapply(1:G, function(k) jvec(par$mean[, k]))),
    sigma = jlist(lapply(1:G, function(k) jmat(par$variance$sigma[, , k]))),
    variance = jobj(list(scale = jvec(par$variance$scale), shape = jvec(par$variance$shape)))))
}

prior_fields <- function(X, model, G) {
  data <- if (model %in% UNIVARIATE_MODELS) as.vector(X) else X
  pr <- defaultPrior(data, G = G, modelName = model)
  jobj(list(shrinkage = num(pr$shrinkage), mean = jvec(pr$mean), dof = num(pr$dof),
            scale = if (is.matrix(pr$scale)) jmat(pr$scale) else num(pr$scale)))
}

write_fixture <- function(name, file, columns, X, G, models, source) {
  labels <- hclass(hc(if (ncol(X) == 1) as.vector(X) else X), G)
  labels <- as.integer(if (is.matrix(labels)) labels[, 1] else labels)
  z <- unmap(labels)
  entries <- lapply(models, function(model) {
    fits <- c(lapply(CHECKPOINTS, function(t) run(X, model, z, t)), list(run(X, model, z, CONVERGENCE_MAX)))
    jobj(list(prior = prior_fields(X, model, G),
              parameter_count = as.character(nMclustParams(model, d = ncol(X), G = G)),
              fits = jlist(fits)))
  })
  names(entries) <- models
  eei_map <- if ("EEI" %in% models) jobj(list(
    prior = prior_fields(X, "EEI", G),
    parameter_count = as.character(nMclustParams("EEI", d = ncol(X), G = G)),
    fits = jlist(c(lapply(CHECKPOINTS, function(t) run_eei_map(X, z, t)), list(run_eei_map(X, z, CONVERGENCE_MAX)))))) else NULL
  text <- jobj(list(
    generator = jstr("tests/Bgmm.Tests/Fixtures/mclust/make_fixtures.R"),
    mclust_version = jstr(as.character(packageVersion("mclust"))),
    r_version = jstr(R.version.string),
    call = jstr(paste0("me(modelName, data, unmap(labels), prior = priorControl(), control = emControl(",
                       "tol = c(1e-14, 1e-15), itmax = c(itmax, ", INNER_MAX, ")))")),
    dataset = jstr(name), source = jstr(source), data = jstr(file), columns = jint(columns),
    n = as.character(nrow(X)), d = as.character(ncol(X)), G = as.character(G),
    labels_from = jstr("hclass(hc(data), G)"), labels = jint(labels),
    models = jobj(entries),
    eei_map_call = if (is.null(eei_map)) NULL else jstr("run_eei_map(data, unmap(labels), itmax): the conjugate MAP M-step of EEI (make_fixtures.R) with estepEEI, tol = 1e-14"),
    eei_map = eei_map))
  path <- file.path(out_dir, sprintf("%s_G%d.json", name, G))
  writeLines(text, path)
  cat(sprintf("%-28s %7d bytes\n", basename(path), file.size(path)))
}

for (ds in datasets) {
  file <- write_data(ds$name, ds$X)
  for (G in 2:3) {
    write_fixture(ds$name, file, seq_len(ncol(ds$X)) - 1L, ds$X, G, MULTIVARIATE_MODELS, ds$source)
  }
  if (ds$name == "faithful") {
    for (G in 2:3) {
      write_fixture("faithful_waiting", file, 1L, ds$X[, 2, drop = FALSE], G, UNIVARIATE_MODELS,
                    "datasets::faithful$waiting (column 1 of faithful.csv, 0-based)")
    }
  }
}

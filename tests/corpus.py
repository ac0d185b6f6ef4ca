"""The evidence corpus: gradient identities with independently written answers.

Every row is an objective, the variable, the symbol declarations (`--let` forms), and
the gradient as written by hand from the source -- never produced by running
tracetrick.  tests/test_corpus.py checks each written answer against central finite
differences of the objective first, and only then compares it with tracetrick's.

Sources
- "Cookbook (N)": K. B. Petersen and M. S. Pedersen, *The Matrix Cookbook*, version of
  November 15, 2012, section 2, equation N.  A row tagged by section and content
  ("Cookbook 2.4.3 ...") is an identity of that section whose number is not quoted.
  Transcription notes: (95) prints the denominator as x^T B B x; it is x^T B^T B x.
  (125)-(127) assume B and C symmetric; (127) also needs A symmetric (else the
  inverse's transpose differs), so A is declared symmetric there.
- "notes ...": the course notes' facts (T1 and the two others quoted in the issue).
- ML course material, answers derived by hand: "CS229 notes 1" (Stanford CS229, A. Ng,
  part I-III: least squares, logistic regression, the Poisson GLM); "Goodfellow DL N"
  (Goodfellow, Bengio and Courville, *Deep Learning*, section N: weight decay, the
  sigmoid's cross-entropy through the softplus); "CS231n backprop" (the course notes'
  two-layer networks, each layer's gradient).
- "ML: ...": machine-learning objectives, derived by hand (the activations relu, tanh,
  softplus and the L1 penalty as in the layers and losses of course notes: CS231n's
  backpropagation notes, the lasso's subgradient 2 X^T (X w - y) + lambda sign(w)).
- "norms", "Hadamard", "scalar functions": further hand-derived identities that
  exercise unsquared norms, elementwise products and functions, and scalar quotients.
- "sympy test_derivatives": the vector-valued cases of sympy's
  matrices/expressions/tests/test_derivatives.py, as Jacobians.  sympy writes them in
  denominator layout (the transpose of ours; its A exp(x) case says so in a TODO).
- "Jacobian: ...": Jacobians of vector functions, derived by hand.
- Jacobians of matrix functions, of vec(F) by vec(X) (columns stacked): "MIT 18.S096"
  (A. Edelman and S. G. Johnson, Matrix Calculus for Machine Learning and Beyond, the
  Kronecker-product examples A^2, A^3 and A^-1); "Magnus & Neudecker" (Matrix
  Differential Calculus, the identification of d vec F = A d vec X: AXB, X^-1, X^T,
  X X^T, X^T X, A X^-1 B); "Jacobian (vec): ..." derived by hand.
- Rows with a Hessian (contract 5.3), written by hand: "log barrier (math.SE 1445868)",
  the Hessian A^T diag(d)^2 A, d = 1 ./ (b - A x), of the question "How to compute the
  hessian of the log barrier function"; "Convex Optimization for All 15-01-03", the
  barrier -sum(log(x)); "Cookbook 2.4.2 ...", the second-order forms of that section;
  "Boyd & Vandenberghe A.4.3", the quadratic function's Hessian P; "Hessian: ..." rows
  derived by hand (machine-learning losses, norms, scalar functions).
- Softmax and log-sum-exp: "Bishop PRML (N)", C. M. Bishop, *Pattern Recognition and
  Machine Learning* (2006), equation N (4.106, the softmax's derivatives y_k (I_kj -
  y_j); 4.109, the gradient of the multiclass cross-entropy, here for one sample and
  targets y of any sum); "Boyd & Vandenberghe 3.1.5", *Convex Optimization*, the
  Hessian of log-sum-exp (1/(1^T e)) diag(e) - (1/(1^T e)^2) e e^T, e = exp(z);
  "CS231n", the Stanford course notes' softmax classifier, its loss in the scores.

Conventions: denominator layout (the gradient has the shape of the variable); a
vector-valued objective's answer is its Jacobian, in numerator layout (a row per entry
of the function: df = J dx, contract 5.2).  For a
symmetric variable the answer is the unconstrained gradient G (contract, section 1.1),
written with the symmetry of the point where it is evaluated (S^-1 for S^-T).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    source: str
    objective: str
    wrt: str
    lets: tuple[str, ...]
    expected: str
    solve: bool = False
    solution: str | None = None
    hessian: str | None = None   # the expected Hessian (a vector or scalar variable)

    @property
    def id(self) -> str:
        return f"{self.source}: {self.objective} wrt {self.wrt}"


I = Identity  # short name for the table below

SQUARE_X = ("X: n x n",)

CORPUS: tuple[Identity, ...] = (
    # ----- The notes ---------------------------------------------------------------------
    I("notes T1", "tr(A B)", "A", (), "B^T"),
    I("notes", "tr(A B A^T C)", "A", (), "C A B + C^T A B^T"),
    I("notes", "|A|", "A", ("A: n x n",), "|A| A^-T"),

    # ----- Cookbook 2.1: determinants -------------------------------------------------------
    I("Cookbook (49)", "det(X)", "X", SQUARE_X, "det(X) X^-T"),
    I("Cookbook (51)", "det(A X B)", "X", ("A: n x n", "X: n x n", "B: n x n"),
      "det(A X B) X^-T"),
    I("Cookbook (52)", "det(X^T A X)", "X", ("A: n x n", "X: n x n"), "2 det(X^T A X) X^-T"),
    I("Cookbook (53)", "det(X^T A X)", "X", ("A: n x n, symmetric", "X: n x m"),
      "2 det(X^T A X) A X (X^T A X)^-1"),
    I("Cookbook (54)", "det(X^T A X)", "X", ("A: n x n", "X: n x m"),
      "det(X^T A X) (A X (X^T A X)^-1 + A^T X (X^T A^T X)^-1)"),
    I("Cookbook (55)", "logdet(X^T X)", "X", ("X: n x m",), "2 X (X^T X)^-1"),
    I("Cookbook (57)", "logdet(X)", "X", SQUARE_X, "X^-T"),
    I("Cookbook (57)", "log|X|", "X", SQUARE_X, "(X^T)^-1"),
    I("Cookbook (58)", "det(X^2)", "X", SQUARE_X, "2 det(X^2) X^-T"),
    I("Cookbook (58)", "det(X^3)", "X", SQUARE_X, "3 det(X^3) X^-T"),

    # ----- Cookbook 2.2: inverses ----------------------------------------------------------
    I("Cookbook (61)", "a^T X^-1 b", "X", SQUARE_X, "-X^-T a b^T X^-T"),
    I("Cookbook (62)", "det(X^-1)", "X", SQUARE_X, "-det(X^-1) (X^-1)^T"),
    I("Cookbook (63)", "tr(A X^-1 B)", "X", SQUARE_X, "-(X^-1 B A X^-1)^T"),
    I("Cookbook (64)", "tr((X + A)^-1)", "X", SQUARE_X, "-((X + A)^-1 (X + A)^-1)^T"),

    # ----- Cookbook 2.4: first order forms ------------------------------------------------
    I("Cookbook (69)", "x^T a", "x", (), "a"),
    I("Cookbook (69)", "a^T x", "x", (), "a"),
    I("Cookbook (70)", "a^T X b", "X", (), "a b^T"),
    I("Cookbook (71)", "a^T X^T b", "X", (), "b a^T"),
    I("Cookbook (72)", "a^T X a", "X", SQUARE_X, "a a^T"),
    I("Cookbook (72)", "a^T X^T a", "X", SQUARE_X, "a a^T"),

    # ----- Cookbook 2.4: second order forms -----------------------------------------------
    I("Cookbook (77)", "b^T X^T X c", "X", (), "X (b c^T + c b^T)"),
    I("Cookbook (78)", "(B x + b)^T C (D x + d)", "x", (),
      "B^T C (D x + d) + D^T C^T (B x + b)"),
    I("Cookbook (81)", "x^T B x", "x", (), "(B + B^T) x"),
    I("Cookbook (81), B symmetric", "x^T B x", "x", ("B: n x n, symmetric",), "2 B x"),
    I("Cookbook (82)", "b^T X^T D X c", "X", (), "D^T X b c^T + D X c b^T"),
    I("Cookbook (83)", "(X b + c)^T D (X b + c)", "X", (), "(D + D^T) (X b + c) b^T"),
    I("Cookbook (84)", "(x - A s)^T W (x - A s)", "s", ("W: n x n, symmetric",),
      "-2 A^T W (x - A s)"),
    I("Cookbook (85)", "(x - s)^T W (x - s)", "x", ("W: n x n, symmetric",), "2 W (x - s)"),
    I("Cookbook (86)", "(x - s)^T W (x - s)", "s", ("W: n x n, symmetric",), "-2 W (x - s)"),
    I("Cookbook (87)", "(x - A s)^T W (x - A s)", "x", ("W: n x n, symmetric",),
      "2 W (x - A s)"),
    I("Cookbook (88)", "(x - A s)^T W (x - A s)", "A", ("W: n x n, symmetric",),
      "-2 W (x - A s) s^T"),

    # ----- Cookbook 2.4: higher order, non-linear, gradient -------------------------------
    I("Cookbook 2.4.3 a^T X^n b, n=2", "a^T X^2 b", "X", SQUARE_X, "a b^T X^T + X^T a b^T"),
    I("Cookbook 2.4.3 a^T X^n b, n=3", "a^T X^3 b", "X", SQUARE_X,
      "a b^T (X^2)^T + X^T a b^T X^T + (X^2)^T a b^T"),
    I("Cookbook 2.4.3 ratio", "x^T A^T A x / (x^T B^T B x)", "x", (),
      "2 A^T A x / (x^T B^T B x) - 2 (x^T A^T A x) / (x^T B^T B x)^2 B^T B x"),
    I("Cookbook 2.4.4 gradient", "x^T A x + b^T x", "x", (), "(A + A^T) x + b"),

    # ----- Cookbook 2.5: traces, first order ----------------------------------------------
    I("Cookbook (99)", "tr(X)", "X", SQUARE_X, "I_n"),
    I("Cookbook (100)", "tr(X A)", "X", (), "A^T"),
    I("Cookbook (101)", "tr(A X B)", "X", (), "A^T B^T"),
    I("Cookbook (102)", "tr(A X^T B)", "X", (), "B A"),
    I("Cookbook (103)", "tr(X^T A)", "X", (), "A"),
    I("Cookbook (104)", "tr(A X^T)", "X", (), "A"),

    # ----- Cookbook 2.5: traces, second order ---------------------------------------------
    I("Cookbook (106)", "tr(X^2)", "X", SQUARE_X, "2 X^T"),
    I("Cookbook (107)", "tr(X^2 B)", "X", SQUARE_X, "(X B + B X)^T"),
    I("Cookbook (108)", "tr(X^T B X)", "X", (), "B X + B^T X"),
    I("Cookbook (108), B symmetric", "tr(X^T B X)", "X", ("B: n x n, symmetric",), "2 B X"),
    I("Cookbook (109)", "tr(B X X^T)", "X", (), "B X + B^T X"),
    I("Cookbook (110)", "tr(X X^T B)", "X", (), "B X + B^T X"),
    I("Cookbook (111)", "tr(X B X^T)", "X", (), "X B^T + X B"),
    I("Cookbook (112)", "tr(B X^T X)", "X", (), "X B^T + X B"),
    I("Cookbook (113)", "tr(X^T X B)", "X", (), "X B^T + X B"),
    I("Cookbook (114)", "tr(A X B X)", "X", (), "A^T X^T B^T + B^T X^T A^T"),
    I("Cookbook (115)", "tr(X^T X)", "X", (), "2 X"),
    I("Cookbook (115)", "tr(X X^T)", "X", (), "2 X"),
    I("Cookbook (116)", "tr(B^T X^T C X B)", "X", (), "C^T X B B^T + C X B B^T"),
    I("Cookbook (117)", "tr(X^T B X C)", "X", (), "B X C + B^T X C^T"),
    I("Cookbook (118)", "tr(A X B X^T C)", "X", (), "A^T C^T X B^T + C A X B"),
    I("Cookbook (119)", "tr((A X B + C) (A X B + C)^T)", "X", (), "2 A^T (A X B + C) B^T"),
    I("Cookbook (120)", "tr(X) tr(X)", "X", SQUARE_X, "2 tr(X) I_n"),

    # ----- Cookbook 2.5: traces, higher order and other -----------------------------------
    I("Cookbook (121), k=2", "tr(X^2)", "X", SQUARE_X, "2 X^T"),
    I("Cookbook (121), k=3", "tr(X^3)", "X", SQUARE_X, "3 (X^2)^T"),
    I("Cookbook (121), k=4", "tr(X^4)", "X", SQUARE_X, "4 (X^3)^T"),
    I("Cookbook (122), k=3", "tr(A X^3)", "X", SQUARE_X,
      "(A X^2)^T + (X A X)^T + (X^2 A)^T"),
    # (122) with a different matrix beside each X, by hand: term j is the factors after
    # the j-th X, then those before it (the engine works on it by its general term)
    I("Cookbook (122), a matrix beside each of five X", "tr(A1 X A2 X A3 X A4 X A5 X)", "X",
      tuple(f"A{i}: n x n" for i in range(1, 6)),
      "(A2 X A3 X A4 X A5 X A1)^T + (A3 X A4 X A5 X A1 X A2)^T + (A4 X A5 X A1 X A2 X A3)^T"
      " + (A5 X A1 X A2 X A3 X A4)^T + (A1 X A2 X A3 X A4 X A5)^T"),
    I("Cookbook 2.4.3 a^T X^n b with a matrix between: a^T X B1 ... X B5 b",
      "a^T X B1 X B2 X B3 X B4 X B5 b", "X", tuple(f"B{i}: n x n" for i in range(1, 6)),
      "a b^T B5^T X^T B4^T X^T B3^T X^T B2^T X^T B1^T"
      " + B1^T X^T a b^T B5^T X^T B4^T X^T B3^T X^T B2^T"
      " + B2^T X^T B1^T X^T a b^T B5^T X^T B4^T X^T B3^T"
      " + B3^T X^T B2^T X^T B1^T X^T a b^T B5^T X^T B4^T"
      " + B4^T X^T B3^T X^T B2^T X^T B1^T X^T a b^T B5^T"),
    I("Cookbook (123)", "tr(B^T X^T C X X^T C X B)", "X", (),
      "C X X^T C X B B^T + C^T X B B^T X^T C^T X + C X B B^T X^T C X"
      " + C^T X X^T C^T X B B^T"),
    I("Cookbook (124)", "tr(A X^-1 B)", "X", SQUARE_X, "-X^-T A^T B^T X^-T"),
    I("Cookbook (125)", "tr((X^T C X)^-1 A)", "X", ("C: n x n, symmetric", "X: n x m"),
      "-(C X (X^T C X)^-1) (A + A^T) (X^T C X)^-1"),
    I("Cookbook (126)", "tr((X^T C X)^-1 (X^T B X))", "X",
      ("B: n x n, symmetric", "C: n x n, symmetric", "X: n x m"),
      "-2 C X (X^T C X)^-1 X^T B X (X^T C X)^-1 + 2 B X (X^T C X)^-1"),
    I("Cookbook (127)", "tr((A + X^T C X)^-1 (X^T B X))", "X",
      ("A: m x m, symmetric", "B: n x n, symmetric", "C: n x n, symmetric", "X: n x m"),
      "-2 C X (A + X^T C X)^-1 X^T B X (A + X^T C X)^-1 + 2 B X (A + X^T C X)^-1"),

    # ----- Cookbook 2.6, 2.7: norms -------------------------------------------------------
    I("Cookbook (129)", "||x - a||", "x", (), "(x - a) / ||x - a||"),
    I("Cookbook (131)", "||x||^2", "x", (), "2 x"),
    I("Cookbook (132)", "||X||_F^2", "X", (), "2 X"),

    # ----- Norms (by hand) ----------------------------------------------------------------
    I("norms", "||x||", "x", (), "x / ||x||"),
    I("norms", "||X||_F", "X", (), "X ||X||_F^-1"),
    I("norms", "||A x - b||", "x", (), "A^T (A x - b) / ||A x - b||"),
    I("norms", "||A X B||_F^2", "X", (), "2 A^T A X B B^T"),

    # ----- Hadamard products and elementwise functions (by hand) --------------------------
    I("Hadamard", "sum(A .* X)", "X", (), "A"),
    I("Hadamard", "sum(X .* X)", "X", (), "2 X"),
    I("Hadamard", "x^T (a .* x)", "x", (), "2 a .* x"),
    I("Hadamard", "tr(A^T (B .* X))", "X", (), "A .* B"),
    I("Hadamard", "||a .* x - b||^2", "x", (), "2 a .* (a .* x - b)"),
    I("Hadamard", "a^T (x ./ b)", "x", (), "a ./ b"),
    I("elementwise", "sum(exp(X))", "X", (), "exp(X)"),
    I("elementwise", "a^T exp(x)", "x", (), "a .* exp(x)"),
    I("elementwise", "sum(log(1 + exp(x)))", "x", (), "sigmoid(x)"),
    I("elementwise", "sum(sigmoid(X))", "X", (), "sigmoid(X) .* (1 - sigmoid(X))"),
    I("elementwise", "log(sum(exp(x)))", "x", (), "exp(x) / sum(exp(x))"),

    # ----- Scalar functions, products and quotients of traces (by hand) -------------------
    I("scalar functions", "det(X)^2", "X", SQUARE_X, "2 det(X)^2 X^-T"),
    I("scalar functions", "tr(A X) tr(B X)", "X", (), "tr(B X) A^T + tr(A X) B^T"),
    I("scalar functions", "tr(A X) / tr(B X)", "X", (),
      "A^T / tr(B X) - tr(A X) / tr(B X)^2 B^T"),
    I("scalar functions", "x^T A x / (x^T x)", "x", ("A: n x n, symmetric",),
      "2 A x / (x^T x) - 2 (x^T A x) / (x^T x)^2 x"),
    I("scalar functions", "exp(tr(A X))", "X", (), "exp(tr(A X)) A^T"),
    I("scalar functions", "log(tr(X^T X))", "X", (), "2 X / tr(X^T X)"),

    # ----- Machine learning objectives (by hand) ------------------------------------------
    I("Bishop PRML (4.109) softmax regression", "-y^T log(softmax(W x))", "W", ("W: k x n",),
      "(sum(y) softmax(W x) - y) x^T"),
    I("ML: least squares", "||A x - b||^2", "x", (), "2 A^T (A x - b)",
      True, "(A^T A)^-1 A^T b"),
    I("ML: least squares, matrix", "||A X - B||_F^2", "X", (), "2 A^T (A X - B)",
      True, "(A^T A)^-1 A^T B"),
    I("ML: ridge", "||X w - y||^2 + lambda ||w||^2", "w", ("X: m x n",),
      "2 X^T (X w - y) + 2 lambda w", True, "(X^T X + lambda I_n)^-1 X^T y"),
    I("ML: weighted least squares", "(A x - b)^T W (A x - b)", "x", ("W: m x m, symmetric",),
      "2 A^T W (A x - b)", True, "(A^T W A)^-1 A^T W b"),
    I("ML: quadratic, A symmetric", "x^T A x - 2 b^T x", "x", ("A: n x n, symmetric",),
      "2 A x - 2 b", True, "A^-1 b"),
    I("ML: quadratic", "1/2 x^T A x - b^T x", "x", (), "1/2 (A + A^T) x - b",
      True, "2 (A + A^T)^-1 b"),
    I("ML: Mahalanobis", "(x - m)^T S^-1 (x - m)", "m", ("S: n x n, symmetric, invertible",),
      "-2 S^-1 (x - m)", True, "x"),
    I("ML: Gaussian log-likelihood, mean", "1/2 (x - m)^T S^-1 (x - m) + 1/2 logdet(S)", "m",
      ("S: n x n, positive_definite",), "-S^-1 (x - m)", True, "x"),
    I("ML: Gaussian log-likelihood, mean of samples", "tr(S^-1 (X - m u^T) (X - m u^T)^T)",
      "m", ("S: n x n, positive_definite",), "-2 S^-1 (X - m u^T) u",
      True, "X u / (u^T u)"),
    I("ML: Gaussian log-likelihood, covariance", "N logdet(S) + tr(S^-1 C)", "S",
      ("S: n x n, positive_definite", "C: n x n, symmetric", "N: scalar"),
      "N S^-1 - S^-1 C S^-1"),
    I("ML: Gaussian log-likelihood, covariance MLE", "N logdet(S) + tr(S^-1 C)", "S",
      ("S: n x n, positive_definite", "C: n x n, symmetric", "N: scalar"),
      "N S^-1 - S^-1 C S^-1", True, "C / N"),
    I("ML: Gaussian log-likelihood, precision", "-N logdet(P) + tr(P C)", "P",
      ("P: n x n, positive_definite", "C: n x n, symmetric", "N: scalar"),
      "-N P^-1 + C", True, "N C^-1"),
    I("ML: logistic regression", "sum(log(1 + exp(-y .* (X w))))", "w", (),
      "-X^T (y .* sigmoid(-y .* (X w)))"),
    I("ML: logistic regression, L2", "sum(log(1 + exp(-y .* (X w)))) + lambda/2 ||w||^2", "w",
      (), "-X^T (y .* sigmoid(-y .* (X w))) + lambda w"),
    I("ML: logistic regression, cross entropy",
      "-(y^T log(sigmoid(X w)) + (1 - y)^T log(1 - sigmoid(X w)))", "w", (),
      "X^T (sigmoid(X w) - y)"),
    I("ML: softmax cross entropy, one-hot y", "-y^T W x + log(sum(exp(W x)))", "W", (),
      "(exp(W x) / sum(exp(W x)) - y) x^T"),
    I("ML: Poisson regression", "sum(exp(X w)) - y^T X w", "w", (), "X^T (exp(X w) - y)"),
    I("ML: logistic loss as softplus", "sum(softplus(-y .* (X w)))", "w", ("X: m x n",),
      "-X^T (y .* sigmoid(-y .* (X w)))"),
    I("ML: L1 penalty (lasso, a subgradient)", "||X w - y||^2 + lambda sum(abs(w))", "w",
      ("X: m x n", "lambda: scalar"), "2 X^T (X w - y) + lambda sign(w)"),
    I("ML: ReLU layer, linear readout", "v^T relu(W x)", "W", ("W: m x n",),
      "(v .* step(W x)) x^T"),
    I("ML: tanh layer, squared error", "||tanh(W x) - y||^2", "W", ("W: m x n",),
      "2 ((tanh(W x) - y) .* (1 - tanh(W x) .* tanh(W x))) x^T"),
    I("ML: softplus layer, linear readout", "v^T softplus(W x)", "x", ("W: m x n",),
      "W^T (v .* sigmoid(W x))"),
    # deep nests, derived by hand layer by layer (CS231n's backpropagation notes: each
    # layer's local gradient times the one carried back); tracetrick names the layers
    I("CS231n backprop: three sigmoid layers", "sum(sigmoid(A1 sigmoid(A2 sigmoid(A3 x))))",
      "x", ("A1: n x n", "A2: n x n", "A3: n x n"),
      "A3^T ((A2^T ((A1^T (sigmoid(A1 sigmoid(A2 sigmoid(A3 x))) .* (1 - sigmoid(A1 "
      "sigmoid(A2 sigmoid(A3 x)))))) .* sigmoid(A2 sigmoid(A3 x)) .* (1 - sigmoid(A2 "
      "sigmoid(A3 x))))) .* sigmoid(A3 x) .* (1 - sigmoid(A3 x)))"),
    I("ML: three tanh layers, linear readout", "v^T tanh(W1 tanh(W2 tanh(W3 x)))", "x",
      ("W1: m x p", "W2: p x q", "W3: q x n"),
      "W3^T ((W2^T ((W1^T (v .* (1 - tanh(W1 tanh(W2 tanh(W3 x))) .* tanh(W1 tanh(W2 "
      "tanh(W3 x)))))) .* (1 - tanh(W2 tanh(W3 x)) .* tanh(W2 tanh(W3 x))))) .* (1 - "
      "tanh(W3 x) .* tanh(W3 x)))"),
    I("ML: sinusoidal features", "a^T sin(W x) + b^T cos(W x)", "x", ("W: m x n",),
      "W^T (a .* cos(W x) - b .* sin(W x))"),
    I("CS229 notes 1: least-squares cost", "1/2 ||X theta - y||^2", "theta",
      ("X: m x n", "theta: n"), "X^T (X theta - y)"),
    I("CS229 notes 1: logistic log-likelihood",
      "y^T log(sigmoid(X theta)) + (1 - y)^T log(1 - sigmoid(X theta))", "theta",
      ("X: m x n", "theta: n"), "X^T (y - sigmoid(X theta))"),
    I("CS229 notes 1: Poisson GLM log-likelihood", "y^T X theta - sum(exp(X theta))",
      "theta", ("X: m x n", "theta: n"), "X^T (y - exp(X theta))"),
    I("Goodfellow DL 7.1.1: weight decay", "||X w - y||^2 + alpha/2 w^T w", "w",
      ("X: m x n", "alpha: scalar"), "2 X^T (X w - y) + alpha w"),
    I("Goodfellow DL 6.2.2.3: sigmoid cross-entropy as softplus",
      "sum(softplus((1 - 2 y) .* z))", "z", (), "(1 - 2 y) .* sigmoid((1 - 2 y) .* z)"),
    I("Goodfellow DL 6.2.2.3: sigmoid cross-entropy in the logits",
      "-(y^T log(sigmoid(z)) + (1 - y)^T log(1 - sigmoid(z)))", "z", (), "sigmoid(z) - y"),
    I("CS231n backprop: ReLU network, squared error, first layer",
      "||V relu(W x) - y||^2", "W", ("W: h x n", "V: m x h"),
      "((2 V^T (V relu(W x) - y)) .* step(W x)) x^T"),
    I("CS231n backprop: ReLU network, squared error, second layer",
      "||V relu(W x) - y||^2", "V", ("W: h x n", "V: m x h"),
      "2 (V relu(W x) - y) relu(W x)^T"),
    I("CS231n backprop: sigmoid network, squared error, first layer",
      "||V sigmoid(W x) - y||^2", "W", ("W: h x n", "V: m x h"),
      "((2 V^T (V sigmoid(W x) - y)) .* sigmoid(W x) .* (1 - sigmoid(W x))) x^T"),
    I("ML: tanh autoencoder, tied weights", "||x - W^T tanh(W x)||^2", "W", ("W: h x n",),
      "-2 tanh(W x) (x - W^T tanh(W x))^T "
      "- 2 ((W (x - W^T tanh(W x))) .* (1 - tanh(W x) .* tanh(W x))) x^T"),
    I("ML: linear autoencoder, tied weights", "||X - W^T W X||_F^2", "W", ("W: h x n",),
      "-2 (W X (X - W^T W X)^T + W (X - W^T W X) X^T)"),
    I("ML: matrix factorization, L2", "||Y - U V^T||_F^2 + lambda (||U||_F^2 + ||V||_F^2)",
      "U", ("lambda: scalar",), "-2 (Y - U V^T) V + 2 lambda U"),
    I("ML: Gaussian NLL in the precision", "1/2 x^T P x - 1/2 logdet(P)", "P", (),
      "1/2 x x^T - 1/2 P^-T"),
    I("ML: softmax with a temperature", "logsumexp(z / tau)", "z", ("tau: scalar",),
      "softmax(z / tau) / tau"),
    I("ML: negative entropy", "sum(p .* log(p))", "p", (), "log(p) + 1"),
    I("ML: KL divergence in its second argument", "sum(p .* log(p ./ q))", "q", (),
      "-(p ./ q)"),
    I("ML: cosine similarity", "x^T y / (norm(x) norm(y))", "x", (),
      "y / (norm(x) norm(y)) - (x^T y) x / (norm(x)^3 norm(y))"),
    I("ML: matrix factorization", "||Y - U V^T||_F^2", "U", (), "-2 (Y - U V^T) V"),
    I("ML: matrix factorization", "||Y - U V^T||_F^2", "V", (), "-2 (Y - U V^T)^T U"),
    I("ML: PCA objective", "tr(W^T S W)", "W", ("S: n x n, symmetric",), "2 S W"),

    # ----- Public ML course material: losses as the sources state them -----------------
    I("Cookbook (121), k symbolic", "tr(X^k)", "X", ("X: n x n", "k: scalar, integer"),
      "k (X^(k - 1))^T"),
    I("Bishop PRML (4.109) softmax regression, one-hot t", "-t^T log(softmax(W x))", "W",
      ("W: k x n", "t: k, sums_to_one"), "(softmax(W x) - t) x^T"),
    I("CS231n linear classification: softmax loss with L2 regularisation",
      "-y^T log(softmax(W x)) + lambda ||W||_F^2", "W",
      ("W: k x n", "y: k, sums_to_one", "lambda: scalar"),
      "(softmax(W x) - y) x^T + 2 lambda W"),
    I("CS229 notes 3: soft-margin SVM, hinge loss (a subgradient)",
      "sum(relu(1 - y .* (X w))) + lambda/2 ||w||^2", "w", ("X: m x n", "lambda: scalar"),
      "-X^T (y .* step(1 - y .* (X w))) + lambda w"),
    I("CS229 notes 1: locally weighted linear regression",
      "1/2 (X theta - y)^T W (X theta - y)", "theta",
      ("X: m x n", "theta: n", "W: m x m, diagonal"),
      "X^T W (X theta - y)"),
    I("Bishop PRML (3.27) regularised least squares", "1/2 ||Phi w - t||^2 + lambda/2 w^T w",
      "w", ("Phi: m x n", "lambda: scalar"), "Phi^T (Phi w - t) + lambda w"),
    I("Bishop PRML (6.7) kernel ridge regression, dual",
      "1/2 a^T K K a - a^T K t + 1/2 t^T t + lambda/2 a^T K a", "a",
      ("K: m x m, symmetric", "lambda: scalar"), "K K a - K t + lambda K a"),
    I("Bishop PRML (4.26) Fisher criterion", "(w^T B w) / (w^T S w)", "w",
      ("B: n x n, symmetric", "S: n x n, symmetric"),
      "2 B w / (w^T S w) - 2 (w^T B w) S w / ((w^T S w) (w^T S w))"),
    I("Goodfellow DL 5.5.1 Gaussian likelihood in the variance",
      "N/2 log(v) + ||y - X w||^2 / (2 v)", "v", ("X: m x n", "N: scalar", "v: scalar"),
      "N / (2 v) - ||y - X w||^2 / (2 v v)"),
    I("Zou & Hastie (2005) elastic net (a subgradient)",
      "||y - X w||^2 + lambda1 sum(abs(w)) + lambda2 ||w||^2", "w",
      ("X: m x n", "lambda1: scalar", "lambda2: scalar"),
      "-2 X^T (y - X w) + lambda1 sign(w) + 2 lambda2 w"),
    I("Goldberg & Levy (2014) word2vec negative sampling, the word vector",
      "-log(sigmoid(u^T v)) - sum(log(sigmoid(-(U v))))", "v", ("U: m x n",),
      "-(1 - sigmoid(u^T v)) u + U^T sigmoid(U v)"),
    I("Goldberg & Levy (2014) word2vec negative sampling, the negative samples",
      "-log(sigmoid(u^T v)) - sum(log(sigmoid(-(U v))))", "U", ("U: m x n",),
      "sigmoid(U v) v^T"),
    I("CS229 notes 1: Newton's method for least squares", "1/2 ||X theta - y||^2", "theta",
      ("X: m x n", "theta: n"), "X^T (X theta - y)", hessian="X^T X"),
    I("MIT 18.S096: the gradient of the p-th power of the norm", "(x^T x)^p", "x",
      ("p: scalar",), "2 p (x^T x)^(p - 1) x"),
    I("MIT 18.S096: a power of a scalar", "s^p", "s", ("s: scalar", "p: scalar"),
      "p s^(p - 1)"),
    I("CS231n backprop: sigmoid of a dot product (the notes' 2-D neuron)",
      "sigmoid(w^T x + b)", "w", ("b: scalar",),
      "sigmoid(w^T x + b) (1 - sigmoid(w^T x + b)) x"),
    I("CS231n backprop: the notes' gradient of a matrix product's loss",
      "sum(W X .* D)", "W", ("W: m x n", "X: n x p", "D: m x p"), "D X^T"),

    # ----- Jacobians of vector functions (numerator layout) -------------------------------
    I("sympy test_derivatives", "x", "x", (), "I_n"),
    I("sympy test_derivatives", "2 mu x", "x", ("mu: scalar",), "2 mu I_n"),
    I("sympy test_derivatives", "x x^T x", "x", (), "(x^T x) I_n + 2 x x^T"),
    I("sympy test_derivatives", "A exp(x)", "x", ("A: m x n",), "A diag(exp(x))"),
    I("sympy test_derivatives", "a .* x .* b", "x", (), "diag(a .* b)"),
    I("sympy test_derivatives", "x .* x", "x", (), "2 diag(x)"),
    I("Jacobian: linear map", "A x + b", "x", ("A: m x n",), "A"),
    I("Jacobian: affine in x^T", "(x^T A)^T", "x", ("A: n x m",), "A^T"),
    I("Jacobian: scaled by a quadratic form", "(x^T A x) b", "x", ("A: n x n",),
      "b x^T (A + A^T)"),
    I("Jacobian: unit vector", "x / norm(x)", "x", (), "(I_n - x x^T / (x^T x)) / norm(x)"),
    I("Jacobian: sigmoid layer", "sigmoid(W x + b)", "x", ("W: m x n",),
      "diag(sigmoid(W x + b) .* (1 - sigmoid(W x + b))) W"),
    I("Jacobian: exponential layer", "exp(W x)", "x", ("W: m x n",), "diag(exp(W x)) W"),
    I("Jacobian: log", "log(x)", "x", (), "diag(1 ./ x)"),
    I("Jacobian: reciprocal", "1 ./ x", "x", (), "-diag(1 ./ (x .* x))"),
    I("Jacobian: a scalar variable", "alpha^2 a + alpha b", "alpha", ("alpha: scalar",),
      "2 alpha a + b"),
    I("Jacobian: gradient of a quadratic form", "(A + A^T) x", "x", ("A: n x n",), "A + A^T"),
    I("Jacobian: gradient of least squares", "2 A^T (A x - b)", "x", ("A: m x n",),
      "2 A^T A"),
    I("Jacobian: gradient of logistic regression", "X^T (sigmoid(X w) - y)", "w",
      ("X: m x n",), "X^T diag(sigmoid(X w) .* (1 - sigmoid(X w))) X"),
    I("Jacobian: diagonal scaling", "diag(x) A x", "x", ("A: n x n",),
      "diag(A x) + diag(x) A"),

    # ----- Jacobians of matrix functions (vec(F) by vec(X)) ---------------------------------
    I("MIT 18.S096", "X^2", "X", SQUARE_X, "kron(I_n, X) + kron(X^T, I_n)"),
    I("MIT 18.S096", "X^3", "X", SQUARE_X,
      "kron(I_n, X X) + kron(X^T, X) + kron(X^T X^T, I_n)"),
    I("MIT 18.S096", "X^-1", "X", SQUARE_X, "-kron(X^-T, X^-1)"),
    I("Magnus & Neudecker", "A X B", "X", ("A: p x n", "X: n x m", "B: m x q"),
      "kron(B^T, A)"),
    I("Magnus & Neudecker", "X^T", "X", ("X: n x m",), "K(n, m)"),
    I("Magnus & Neudecker", "X X^T", "X", ("X: n x m",), "kron(X, I_n) + kron(I_n, X) K(n, m)"),
    I("Magnus & Neudecker", "X^T X", "X", ("X: n x m",),
      "kron(I_m, X^T) + kron(X^T, I_m) K(n, m)"),
    I("Magnus & Neudecker", "A X^-1 B", "X", ("A: p x n", "X: n x n", "B: n x q"),
      "-kron((X^-1 B)^T, A X^-1)"),
    I("Jacobian (vec): sandwich", "X A X", "X", ("X: n x n", "A: n x n"),
      "kron(X^T A^T, I_n) + kron(I_n, X A)"),
    I("Jacobian (vec): determinant times inverse", "det(X) X^-1", "X", SQUARE_X,
      "det(X) (vec(X^-1) vec(X^-T)^T - kron(X^-T, X^-1))"),
    I("Jacobian (vec): trace times the matrix", "tr(X) X", "X", SQUARE_X,
      "vec(X) vec(I_n)^T + tr(X) kron(I_n, I_n)"),
    I("Jacobian (vec): entrywise product", "A .* X", "X", ("X: n x m",), "diag(vec(A))"),
    I("Jacobian (vec): entrywise square", "X .* X", "X", ("X: n x m",), "2 diag(vec(X))"),
    I("Jacobian (vec): entrywise exponential", "exp(X)", "X", ("X: n x m",),
      "diag(vec(exp(X)))"),
    I("Jacobian (vec): entrywise sigmoid", "sigmoid(X)", "X", ("X: n x m",),
      "diag(vec(sigmoid(X) .* (1 - sigmoid(X))))"),
    I("Jacobian (vec): matrix times vector", "X b", "X", ("X: n x m",), "kron(b^T, I_n)"),
    I("Jacobian (vec): outer product", "x x^T", "x", (), "kron(x, I_n) + kron(I_n, x)"),
    I("Jacobian (vec): a row", "x^T A", "x", ("A: n x m",), "A^T"),
    I("Jacobian (vec): vec itself", "vec(X)", "X", ("X: n x m",), "kron(I_m, I_n)"),
    I("Jacobian (vec): congruence", "X^T A X", "X", ("X: n x m", "A: n x n"),
      "kron(I_m, X^T A) + kron(X^T A^T, I_m) K(n, m)"),
    I("Jacobian (vec): Sylvester operator", "A X + X B", "X", ("X: n x n",),
      "kron(I_n, A) + kron(B^T, I_n)"),
    I("Bishop PRML (4.106) softmax", "softmax(z)", "z", (),
      "diag(softmax(z)) - softmax(z) softmax(z)^T"),
    I("Jacobian: log-softmax", "log(softmax(z))", "z", (), "I_n - ones(n) softmax(z)^T"),
    I("Jacobian (vec): softmax layer", "softmax(W x)", "W", ("W: k x n",),
      "kron(x^T, diag(softmax(W x)) - softmax(W x) softmax(W x)^T)"),

    # ----- Hessians (the expected gradient, then the expected Hessian) -------------------
    I("Boyd & Vandenberghe 3.1.5 log-sum-exp", "logsumexp(z)", "z", (), "softmax(z)",
      hessian="diag(softmax(z)) - softmax(z) softmax(z)^T"),
    I("Boyd & Vandenberghe 3.1.5 log-sum-exp of an affine map", "logsumexp(A x + b)", "x",
      ("A: m x n",), "A^T softmax(A x + b)",
      hessian="A^T (diag(softmax(A x + b)) - softmax(A x + b) softmax(A x + b)^T) A"),
    I("CS231n softmax loss in the scores", "-y^T log(softmax(z))", "z", (),
      "sum(y) softmax(z) - y",
      hessian="sum(y) (diag(softmax(z)) - softmax(z) softmax(z)^T)"),
    I("log barrier (math.SE 1445868)", "-sum(log(b - A x))", "x", ("A: m x n",),
      "A^T (1 ./ (b - A x))", hessian="A^T diag((1 ./ (b - A x)) .* (1 ./ (b - A x))) A"),
    I("Convex Optimization for All 15-01-03", "-sum(log(x))", "x", (), "-(1 ./ x)",
      hessian="diag(1 ./ (x .* x))"),
    I("Cookbook 2.4.2 Hessian of a quadratic form", "x^T B x", "x", ("B: n x n",),
      "(B + B^T) x", hessian="B + B^T"),
    I("Cookbook 2.4.2 Hessian of a bilinear form", "(B x + b)^T C (D x + d)", "x",
      ("B: m x n", "C: m x m", "D: m x n"), "B^T C (D x + d) + D^T C^T (B x + b)",
      hessian="B^T C D + D^T C^T B"),
    I("Boyd & Vandenberghe A.4.3", "1/2 x^T P x + q^T x + r", "x",
      ("P: n x n, symmetric", "r: scalar"), "P x + q", hessian="P"),
    I("Hessian: logistic regression",
      "-(y^T log(sigmoid(X w)) + (1 - y)^T log(1 - sigmoid(X w)))",
      "w", ("X: m x n",), "X^T (sigmoid(X w) - y)",
      hessian="X^T diag(sigmoid(X w) .* (1 - sigmoid(X w))) X"),
    I("Hessian: logistic regression, L2", "sum(log(1 + exp(-y .* (X w)))) + lambda/2 ||w||^2",
      "w", ("X: m x n", "lambda: scalar"), "-X^T (y .* sigmoid(-y .* (X w))) + lambda w",
      hessian="X^T diag(y .* y .* sigmoid(-y .* (X w)) .* (1 - sigmoid(-y .* (X w)))) X "
              "+ lambda I_n"),
    I("Hessian: Poisson regression", "sum(exp(X w)) - y^T X w", "w", ("X: m x n",),
      "X^T (exp(X w) - y)", hessian="X^T diag(exp(X w)) X"),
    I("Hessian: ridge regression", "||A x - b||^2 + lambda ||x||^2", "x",
      ("A: m x n", "lambda: scalar"), "2 A^T (A x - b) + 2 lambda x",
      hessian="2 A^T A + 2 lambda I_n"),
    I("Hessian: Mahalanobis distance", "(x - m)^T S^-1 (x - m)", "m",
      ("S: n x n, symmetric, invertible",), "-2 S^-1 (x - m)", hessian="2 S^-1"),
    I("Hessian: half least squares", "||A x - b||^2 / 2", "x", ("A: m x n",),
      "A^T (A x - b)", hessian="A^T A"),
    I("Hessian: a linear layer's squared error", "1/2 ||W x - y||^2", "x", ("W: m x n",),
      "W^T (W x - y)", hessian="W^T W"),
    I("Hessian: squared norm", "||x||^2", "x", (), "2 x", hessian="2 I_n"),
    I("Hessian: fourth power of the norm", "(x^T x)^2", "x", (), "4 (x^T x) x",
      hessian="4 (x^T x) I_n + 8 x x^T"),
    I("Hessian: exponential of a linear form", "exp(a^T x)", "x", (), "exp(a^T x) a",
      hessian="exp(a^T x) a a^T"),
    I("Hessian: softplus of a linear form", "log(1 + exp(a^T x))", "x", (),
      "sigmoid(a^T x) a", hessian="sigmoid(a^T x) (1 - sigmoid(a^T x)) a a^T"),
    I("Hessian: sum of exponentials", "sum(exp(x))", "x", (), "exp(x)",
      hessian="diag(exp(x))"),
    I("Hessian: sum of cubes", "sum(x .* x .* x)", "x", (), "3 x .* x", hessian="6 diag(x)"),
    I("Hessian: cube of a linear form", "(a^T x)^3", "x", (), "3 (a^T x)^2 a",
      hessian="6 (a^T x) a a^T"),
    I("Hessian: quadratic with linear term", "x^T A x + b^T x + c", "x",
      ("A: n x n", "c: scalar"), "(A + A^T) x + b", hessian="A + A^T"),
    I("Hessian: sum of sigmoids", "sum(sigmoid(A x))", "x", ("A: m x n",),
      "A^T (sigmoid(A x) .* (1 - sigmoid(A x)))",
      hessian="A^T diag(sigmoid(A x) .* (1 - sigmoid(A x)) .* (1 - 2 sigmoid(A x))) A"),
)

# Errors of the topic query language (relais-veille's Problem codes) and of
# the search box (relais-search's QueryError codes).

vquery-unclosed-quote = ce guillemet n’est jamais fermé
vquery-unclosed-quote-hint = terminez l’expression par un second "
vquery-field-without-value = { $field }: doit être suivi d’une valeur
vquery-field-without-value-hint = { $field ->
    [site] écrivez site:lemonde.fr, sans espace après les deux-points
    [lang] écrivez lang:fr ou lang:en, sans espace après les deux-points
   *[other] écrivez { $field }:mot, { $field }:"une expression" ou { $field }:(a OR b), sans espace après les deux-points
}
vquery-unknown-field = champ inconnu « { $field }: »
vquery-unknown-field-hint = les champs sont title:, author:, source:, site: et lang: (mettez le mot entre guillemets pour le chercher tel quel)
vquery-near-without-distance = NEAR demande une distance
vquery-near-without-distance-hint = écrivez NEAR/5 pour 5 mots d’écart au plus, NEAR/5f pour garder l’ordre
vquery-near-too-far = NEAR/{ $distance } est trop loin
vquery-near-too-far-hint = utilisez au plus NEAR/{ $max-near }
vquery-near-not-a-distance = « NEAR/{ $spec } » n’est pas une distance
vquery-near-not-a-distance-hint = écrivez NEAR/5 pour 5 mots d’écart au plus, NEAR/5f pour garder l’ordre
vquery-too-long = la requête fait { $length } caractères, au-delà de la limite de { $max-chars }
vquery-too-long-hint = répartissez-la en plusieurs sujets
vquery-empty = la requête est vide
vquery-empty-hint = écrivez au moins un mot, par exemple : grève OR "mouvement social"
vquery-unopened-parenthesis = cette parenthèse fermante n’a pas été ouverte
vquery-unopened-parenthesis-hint = supprimez-la, ou ouvrez le groupe plus tôt avec (
vquery-unexpected = inattendu à cet endroit
vquery-unexpected-hint = reliez-le avec AND, OR ou NOT
vquery-only-exclusions = la requête ne fait qu’exclure (NOT …)
vquery-only-exclusions-hint = dites ce qu’il faut chercher, par exemple : grève AND NOT "grève de la faim"
vquery-ends-too-soon = la requête s’arrête là où un mot était attendu
vquery-ends-too-soon-hint = terminez-la par un mot, une "expression" ou un groupe entre ( )
vquery-too-deep = trop de parenthèses imbriquées
vquery-too-deep-hint = utilisez au plus { $max-depth } niveaux
vquery-unclosed-parenthesis = cette parenthèse n’est jamais fermée
vquery-unclosed-parenthesis-hint = ajoutez une ) là où le groupe se termine
vquery-empty-group = une ) sans rien avant elle
vquery-empty-group-hint = mettez un mot ou un groupe avant, ou supprimez-la
vquery-operator-without-word = un opérateur là où un mot était attendu
vquery-operator-without-word-hint = mettez un mot ou une "expression" de chaque côté de AND et de OR
vquery-misplaced-not = NOT ne peut pas être utilisé ici
vquery-misplaced-not-hint = NOT s’applique à un terme entier : a AND NOT b, ou NOT (a OR b)
vquery-near-without-left = NEAR demande un mot ou une expression avant lui
vquery-near-without-left-hint = écrivez : a NEAR/5 b
vquery-nested-field = un champ à l’intérieur d’un autre champ
vquery-nested-field-hint = écrivez les champs côte à côte : title:a AND author:b
vquery-near-operand = la partie { $side ->
    [after] après
   *[other] avant
} NEAR n’est ni un mot, ni une expression, ni un groupe de mots
vquery-near-operand-hint = NEAR prend des mots, des préfixes et des expressions, ou (a OR b) ; pas de AND, de NOT, ni d’autre champ que title:
vquery-wildcard-not-at-end = * n’est permis qu’à la fin d’un mot
vquery-wildcard-not-at-end-hint = écrivez élect* pour les mots qui commencent par élect
vquery-exact-prefix = un mot ne peut pas être à la fois exact (=) et un préfixe (*)
vquery-exact-prefix-hint = retirez le = ou le *
vquery-no-letters = « { $word } » n’a ni lettre ni chiffre
vquery-no-letters-hint = cherchez des mots : la ponctuation et les symboles sont ignorés dans les publications
vquery-wildcard-in-phrase = * n’est pas permis entre guillemets
vquery-wildcard-in-phrase-hint = une expression se cherche telle qu’écrite ; mettez le préfixe hors des guillemets
vquery-empty-phrase = cette expression n’a aucun mot
vquery-empty-phrase-hint = mettez des mots entre les guillemets, ou retirez-les
vquery-not-a-site = « { $value } » n’est pas un nom de site
vquery-not-a-site-hint = écrivez le nom d’hôte seul, par exemple site:lemonde.fr
vquery-not-a-language = « { $value } » n’est pas un code de langue
vquery-not-a-language-hint = utilisez un code ISO 639-1 à deux lettres, par exemple lang:fr ou lang:en

vsearch-too-long = la recherche fait { $count } caractères, au-delà des { $max-chars } permis
vsearch-too-long-hint = raccourcissez-la, ou enregistrez-la comme sujet
vsearch-too-many-words = la recherche compte { $count } mots et expressions, au-delà des { $max-words } permis
vsearch-too-many-words-hint = gardez les mots qui comptent le plus
vsearch-unclosed-quote = ce guillemet n’est jamais fermé
vsearch-unclosed-quote-hint = ajoutez le guillemet fermant après l’expression, ou retirez le guillemet
vsearch-double-not = NOT suit un autre NOT
vsearch-double-not-hint = écrivez un seul NOT devant le mot à exclure
vsearch-not-without-word = NOT n’est suivi d’aucun mot ni d’aucune expression
vsearch-not-without-word-hint = écrivez le mot à exclure après NOT, ou retirez NOT
vsearch-excluded-in-or = un mot exclu ne peut pas être un côté de OR
vsearch-excluded-in-or-hint = écrivez l’exclusion à part, comme dans « a OR b -c »
vsearch-or-without-word = OR demande un mot ou une expression de chaque côté
vsearch-or-without-word-hint = écrivez « a OR b », ou retirez OR (écrivez « or » en minuscules pour chercher le mot)

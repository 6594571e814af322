// Package mid only imports dep, one level deeper in the init tree.
package mid

import _ "recursive/dep"

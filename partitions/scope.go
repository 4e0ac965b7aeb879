package partitions

import (
	"fmt"
	"regexp"
)

var (
	// Accounts are 12 digits; AWS writes "unknown" for some managed interfaces'
	// records but never as a folder.
	accountPattern = regexp.MustCompile(`^\d{12}$`)
	// Regions have the shape of every partition's regionRegex in the AWS SDKs'
	// partitions.json: a 2-4 letter prefix, words, a number (us-east-1,
	// cn-north-1, us-gov-west-1, us-iso-east-1, us-isob-east-1, eu-isoe-west-1,
	// eusc-de-east-1), so that a new region or partition needs no list update.
	regionPattern = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-\d+$`)
)

// CheckAccount refuses what cannot be an account folder: anything but 12 digits.
func CheckAccount(a string) error {
	if !accountPattern.MatchString(a) {
		return fmt.Errorf("account %q: want 12 digits", a)
	}
	return nil
}

// CheckRegion refuses what cannot be a region folder: anything without the
// shape of a region code.
func CheckRegion(r string) error {
	if !regionPattern.MatchString(r) {
		return fmt.Errorf("region %q: want a region code like us-east-1, us-gov-west-1 or eusc-de-east-1", r)
	}
	return nil
}

// AccountColumn and RegionColumn are the partition columns of every layout
// that hold the account and the region.
const (
	AccountColumn = "aws_account_id"
	RegionColumn  = "aws_region"
)

// CheckScope checks accounts and regions, naming the first that is not one.
func CheckScope(accounts, regions []string) error {
	for _, a := range accounts {
		if err := CheckAccount(a); err != nil {
			return err
		}
	}
	for _, r := range regions {
		if err := CheckRegion(r); err != nil {
			return err
		}
	}
	return nil
}
